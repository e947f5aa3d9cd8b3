import { leadFields, parseIngestBody } from '../../lambdas/ingest/ingest.schema';
import { parsePingBody } from '../../lambdas/ping/ping.schema';
import { isPhoneNumber, isReservedFieldName } from '../../lambdas/leads/lead.schema';
import { EXPORT_COLUMNS } from '../../lambdas/leads/lead-export.format';
import { FIELD_ERROR_CODES } from '../../lambdas/shared/error-codes';
import { ValidationError, type FieldError } from '../../lambdas/shared/errors';

function fieldErrors(parse: () => unknown): FieldError[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof ValidationError) return [...error.fieldErrors];
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('ingest body schema', () => {
  describe('a valid body', () => {
    it('normalises state, reads form booleans and keeps custom fields apart from routing fields', () => {
      const body = parseIngestBody({ flo_campaign_id: 'cmp_1', email: ' a@example.com ', state: 'ca', is_test: '1', zip: '90210', score: '3' }, 'form');

      expect(body).toMatchObject({ email: 'a@example.com', state: 'CA', is_test: true });
      expect(leadFields(body)).toEqual({ email: 'a@example.com', state: 'CA', zip: '90210', score: '3' });
    });
  });

  describe('is_test', () => {
    it.each([true, false])('takes the JSON boolean %j', (value) => {
      expect(parseIngestBody({ flo_campaign_id: 'cmp_1', email: 'a@example.com', is_test: value }).is_test).toBe(value);
    });

    it.each(['true', 'false', '1', '0', 1, 0])('refuses %j in a JSON body, as the document types it', (value) => {
      const errors = fieldErrors(() => parseIngestBody({ flo_campaign_id: 'cmp_1', email: 'a@example.com', is_test: value }));

      expect(errors).toEqual([{ field: 'is_test', code: 'invalid_type', message: 'is_test must be a JSON boolean, true or false.' }]);
    });

    it.each([['true', true], ['1', true], ['false', false], ['0', false]] as const)('reads the form spelling %j as %j', (value, expected) => {
      expect(parseIngestBody({ flo_campaign_id: 'cmp_1', email: 'a@example.com', is_test: value }, 'form').is_test).toBe(expected);
    });

    it('refuses another form spelling', () => {
      const errors = fieldErrors(() => parseIngestBody({ flo_campaign_id: 'cmp_1', email: 'a@example.com', is_test: 'yes' }, 'form'));

      expect(errors.map((error) => error.field)).toEqual(['is_test']);
    });
  });

  describe('a body with problems', () => {
    it('tells a missing field from a wrong type, and reports every field at once', () => {
      const errors = fieldErrors(() =>
        parseIngestBody({ first_name: 5, last_name: 'x'.repeat(101), is_test: 'maybe', flo_extra: 1, 'bad name': 1, nested: { a: 1 } }),
      );
      const byField = Object.fromEntries(errors.map((error) => [error.field, error]));

      expect(byField.flo_campaign_id.code).toBe('required');
      // Which contact is required is the campaign's rule, checked once the campaign is known.
      expect(byField.email).toBeUndefined();
      expect(byField.first_name).toEqual({ field: 'first_name', code: 'invalid_type', message: 'first_name must be a string.' });
      expect(byField.last_name).toEqual({ field: 'last_name', code: 'too_long', message: 'last_name must be at most 100 characters.' });
      expect(byField.is_test.code).toBe('invalid_type');
      expect(byField.flo_extra.code).toBe('unknown_field');
      expect(byField['bad name'].code).toBe('invalid_field_name');
      expect(byField.nested.code).toBe('invalid_type');
    });
  });
});

describe('the phone rule', () => {
  it.each(['+1 555 010 2030', '(555) 010-2030', '555.010.2030', '5550102030', '+44 20 7946 0958', '  +1-555-010-2030'])('accepts %j and stores it as sent', (phone) => {
    const body = parseIngestBody({ flo_campaign_id: 'cmp_1', email: 'a@example.com', phone });

    expect(leadFields(body).phone).toBe(phone);
    expect(isPhoneNumber(phone)).toBe(true);
  });

  it.each(['-5550102030', ' -1 555 010 2030', '+-15550102030', '.5550102030', '5550102030; DROP TABLE leads', 'call 5550102030', '555-010-2030 ext 4', '1+5550102030', '++15550102030', '555\t010\t2030', '5550102030\n', '12', '+1 555 010 2030 0000 0000', '５５５０１０２０３０'])(
    'refuses %j as invalid_phone',
    (phone) => {
      expect(fieldErrors(() => parseIngestBody({ flo_campaign_id: 'cmp_1', email: 'a@example.com', phone }))).toEqual([
        { field: 'phone', code: 'invalid_phone', message: expect.not.stringContaining(phone) },
      ]);
    },
  );
});

describe('custom field names the export reserves', () => {
  it.each([...EXPORT_COLUMNS.filter((name) => name !== 'is_test'), 'LEAD_ID', 'Created_At', 'IS_TEST'])('refuses %j as reserved_field_name, in a lead and a ping', (name) => {
    const expected = [{ field: name, code: 'reserved_field_name', message: expect.stringContaining(name) }];

    expect(fieldErrors(() => parseIngestBody({ flo_campaign_id: 'cmp_1', email: 'a@example.com', [name]: 'spoofed' }))).toEqual(expected);
    expect(fieldErrors(() => parsePingBody({ flo_campaign_id: 'cmp_1', [name]: 'spoofed' }))).toEqual(expected);
  });

  it('reserves every column the export writes, and the docs name each', () => {
    for (const column of EXPORT_COLUMNS) expect(isReservedFieldName(column)).toBe(true);
    for (const column of EXPORT_COLUMNS) expect(FIELD_ERROR_CODES.reserved_field_name.when).toContain(`\`${column}\``);
    expect(isReservedFieldName('lead_ids')).toBe(false);
    expect(leadFields(parseIngestBody({ flo_campaign_id: 'cmp_1', email: 'a@example.com', lead_source: 'web', created: '2026' }))).toMatchObject({ lead_source: 'web', created: '2026' });
  });
});

describe('the custom-field limit', () => {
  const withCustom = (count: number, known: Record<string, unknown> = {}) => {
    const body: Record<string, unknown> = { flo_campaign_id: 'cmp_1', email: 'a@example.com', ...known };
    for (let index = 0; index < count; index += 1) body[`custom_${index}`] = index;
    return body;
  };

  it('accepts 100 custom fields beside every known field', () => {
    const known = { first_name: 'A', last_name: 'B', phone: '+1 555 010 2030', state: 'CA', is_test: true };

    expect(Object.keys(leadFields(parseIngestBody(withCustom(100, known))))).toHaveLength(105);
  });

  it.each([101, 104, 105])('refuses %i custom fields even when known fields are absent', (count) => {
    expect(fieldErrors(() => parseIngestBody(withCustom(count)))).toEqual([expect.objectContaining({ field: '(body)', code: 'too_many_fields' })]);
    expect(fieldErrors(() => parsePingBody(withCustom(count, { email: undefined })))).toContainEqual(expect.objectContaining({ code: 'too_many_fields' }));
  });
});

describe('ping body schema', () => {
  it('refuses personal fields and keeps the rest', () => {
    expect(parsePingBody({ flo_campaign_id: 'cmp_1', zip: '1', state: 'tx' })).toEqual({ flo_campaign_id: 'cmp_1', zip: '1', state: 'TX' });
    expect(fieldErrors(() => parsePingBody({ flo_campaign_id: 'cmp_1', Email: 'a@b.co' }))).toEqual([
      expect.objectContaining({ field: 'Email', code: 'personal_data_not_allowed' }),
    ]);
  });
});
