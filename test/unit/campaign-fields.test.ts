import { customFieldsSchema, declarationProblem, MAX_DECLARED_FIELDS, requiredFieldsProblem, storedCustomFields, type FieldDeclaration } from '../../lambdas/campaigns/campaign.fields';
import { checkCampaignSettings, DEFAULT_CAMPAIGN_SETTINGS, storedSettings } from '../../lambdas/campaigns/campaign.settings';
import { checkFieldValues } from '../../lambdas/campaigns/field-values';
import * as z from 'zod/mini';

const check = (field: FieldDeclaration, value: unknown, form = false) => {
  const result = checkFieldValues([field], false, { [field.name]: value as string }, form);
  return result.errors.length > 0 ? result.errors[0].code : result.fields[field.name];
};

describe('declared field types', () => {
  it.each<[FieldDeclaration, unknown, unknown]>([
    [{ name: 'note', type: 'string', maxLength: 5 }, 'abcde', 'abcde'],
    [{ name: 'note', type: 'string', maxLength: 5 }, 'abcdef', 'too_long'],
    [{ name: 'note', type: 'string' }, 5, 'invalid_type'],
    [{ name: 'code', type: 'string', pattern: '^[A-Z]{2}[0-9]+$' }, 'AB12', 'AB12'],
    [{ name: 'code', type: 'string', pattern: '^[A-Z]{2}[0-9]+$' }, 'ab12', 'pattern_mismatch'],
    [{ name: 'code', type: 'string', pattern: '[0-9]' }, 'x1y', 'x1y'],
    [{ name: 'loan', type: 'integer', min: 1000, max: 50000 }, 1000, 1000],
    [{ name: 'loan', type: 'integer', min: 1000, max: 50000 }, 50000, 50000],
    [{ name: 'loan', type: 'integer', min: 1000, max: 50000 }, 999, 'out_of_range'],
    [{ name: 'loan', type: 'integer', min: 1000, max: 50000 }, 50001, 'out_of_range'],
    [{ name: 'loan', type: 'integer' }, 1.5, 'invalid_type'],
    [{ name: 'loan', type: 'integer' }, '1000', 'invalid_type'],
    [{ name: 'rate', type: 'number', min: 0, max: 1 }, 0.25, 0.25],
    [{ name: 'rate', type: 'number', min: 0, max: 1 }, 1.01, 'out_of_range'],
    [{ name: 'rate', type: 'number' }, true, 'invalid_type'],
    [{ name: 'owner', type: 'boolean' }, false, false],
    [{ name: 'owner', type: 'boolean' }, 'true', 'invalid_type'],
    [{ name: 'born', type: 'date' }, '2024-02-29', '2024-02-29'],
    [{ name: 'born', type: 'date' }, '2023-02-29', 'invalid_date'],
    [{ name: 'born', type: 'date' }, '2024-2-9', 'invalid_date'],
    [{ name: 'roof', type: 'enum', values: ['tile', 'metal'] }, 'metal', 'metal'],
    [{ name: 'roof', type: 'enum', values: ['tile', 'metal'] }, 'Metal', 'invalid_value'],
    [{ name: 'zip5', type: 'zip' }, '02134', '02134'],
    [{ name: 'zip5', type: 'zip' }, '02134-1234', '02134-1234'],
    [{ name: 'zip5', type: 'zip' }, '021341234', '021341234'],
    [{ name: 'zip5', type: 'zip' }, '2134', 'invalid_zip'],
    [{ name: 'zip5', type: 'zip' }, 2134, 'invalid_zip'],
  ])('in JSON, %j with %j gives %j', (field, value, expected) => {
    expect(check(field, value)).toEqual(expected);
  });

  it.each<[FieldDeclaration, string, unknown]>([
    [{ name: 'loan', type: 'integer', max: 50000 }, '50000', 50000],
    [{ name: 'loan', type: 'integer', max: 50000 }, '50001', 'out_of_range'],
    [{ name: 'loan', type: 'integer' }, '1e3', 'invalid_type'],
    [{ name: 'rate', type: 'number' }, '-0.5', -0.5],
    [{ name: 'rate', type: 'number' }, '.5', 'invalid_type'],
    [{ name: 'owner', type: 'boolean' }, '1', true],
    [{ name: 'owner', type: 'boolean' }, 'false', false],
    [{ name: 'owner', type: 'boolean' }, 'yes', 'invalid_type'],
  ])('in a form body, %j reads %j as %j', (field, value, expected) => {
    expect(check(field, value, true)).toEqual(expected);
  });

  it('leaves null and undeclared values alone, and refuses undeclared ones when the campaign says so', () => {
    const fields = { loan: null, extra: 'x', first_name: 'Jo' };
    const declared: FieldDeclaration[] = [{ name: 'loan', type: 'integer' }];

    expect(checkFieldValues(declared, false, fields, false)).toEqual({ errors: [], fields });
    expect(checkFieldValues(declared, true, fields, false).errors).toEqual([{ field: 'extra', code: 'unknown_field', message: 'extra is not a field this campaign takes.' }]);
  });

  it('runs a pattern in linear time: a pattern that backtracks exponentially elsewhere answers at once', () => {
    expect(check({ name: 'x', type: 'string', pattern: '^(a+)+$' }, `${'a'.repeat(999)}!`)).toBe('pattern_mismatch');
  });
});

describe('declarations that cannot hold', () => {
  it.each<[FieldDeclaration, string]>([
    [{ name: 'roof', type: 'enum' }, 'roof: an enum field needs its values (--values a,b,c).'],
    [{ name: 'roof', type: 'enum', values: [] }, 'roof: an enum field needs its values (--values a,b,c).'],
    [{ name: 'code', type: 'string', pattern: '(a' }, 'code: the pattern is not a valid RE2 regular expression of at most 500 characters (no look-arounds or back-references).'],
    [{ name: 'code', type: 'string', pattern: '(a)\\1' }, 'code: the pattern is not a valid RE2 regular expression of at most 500 characters (no look-arounds or back-references).'],
    [{ name: '9lives', type: 'string' }, '9lives is not a field name: a letter, then at most 63 letters, digits, _, . or -.'],
    [{ name: 'email', type: 'string' }, 'email is a standard field with its own rules; require it with --required-fields instead.'],
    [{ name: 'flo_x', type: 'string' }, 'flo_x is a routing field, not a custom field.'],
    [{ name: 'Lead_ID', type: 'string' }, 'Lead_ID is a column of the lead export; name the field otherwise.'],
    [{ name: 'loan', type: 'integer', min: 5, max: 1 }, 'loan: the minimum is above the maximum.'],
    [{ name: 'loan', type: 'integer', min: 1.5 }, 'loan: the bounds must be whole numbers.'],
    [{ name: 'loan', type: 'integer', maxLength: 3 }, 'loan: maxLength applies to string fields only.'],
    [{ name: 'note', type: 'string', maxLength: 1001 }, 'note: the maximum length must be a whole number from 1 to 1000.'],
    [{ name: 'x', type: 'uuid' as 'string' }, 'x: the type must be one of string, integer, number, boolean, date, enum, zip.'],
  ])('refuses %j', (field, message) => {
    expect(declarationProblem(field)).toBe(message);
    expect(checkCampaignSettings({ customFields: [field] })).toEqual({ refused: message });
  });

  it(`refuses more than ${MAX_DECLARED_FIELDS} fields and a name declared twice`, () => {
    const many = Array.from({ length: MAX_DECLARED_FIELDS + 1 }, (_, index) => ({ name: `f${index}`, type: 'string' as const }));

    expect(z.safeParse(customFieldsSchema, many.slice(0, MAX_DECLARED_FIELDS)).success).toBe(true);
    expect(checkCampaignSettings({ customFields: many })).toEqual({ refused: `A campaign declares at most ${MAX_DECLARED_FIELDS} custom fields.` });
    expect(checkCampaignSettings({ customFields: [many[0], many[0]] })).toEqual({ refused: 'f0 is declared twice.' });
  });

  it('refuses a required custom field left undeclared once the campaign declares fields or refuses undeclared ones', () => {
    const base = { ...DEFAULT_CAMPAIGN_SETTINGS, requiredFields: ['zip', 'phone', 'flo_supplier_id'] };

    expect(requiredFieldsProblem(base)).toBeUndefined();
    expect(requiredFieldsProblem({ ...base, unknownFields: 'refuse' })).toMatch(/^zip is required but not declared/);
    expect(requiredFieldsProblem({ ...base, customFields: [{ name: 'zip', type: 'zip' }] })).toBeUndefined();
    expect(requiredFieldsProblem({ ...base, customFields: [{ name: 'loan', type: 'integer' }] })).toMatch(/^zip is required/);
  });
});

describe('stored declarations', () => {
  it('reads one this version cannot read as an untyped field, keeping the others typed', () => {
    const stored = [{ name: 'zip', type: 'zip' }, { name: 'ref', type: 'uuid', version: 7 }, { name: 'bad name', type: 'geo' }, 'junk'];

    expect(storedCustomFields(stored)).toEqual([{ name: 'zip', type: 'zip' }, { name: 'ref', type: 'untyped' }]);
    expect(storedSettings({ customFields: stored }).customFields).toHaveLength(2);
    expect(storedSettings({ customFields: 'not a list' }).customFields).toEqual([]);
    expect(checkFieldValues(storedCustomFields(stored), true, { ref: 42 }, false).errors).toEqual([]);
  });
});
