import type { Campaign } from '../../lambdas/campaigns/campaign';
import type { FieldDeclaration } from '../../lambdas/campaigns/campaign.fields';
import { checkedLeadFields } from '../../lambdas/campaigns/campaign.rules';
import { DEFAULT_CAMPAIGN_SETTINGS } from '../../lambdas/campaigns/campaign.settings';
import { parseIngestBody, toLeadSubmission } from '../../lambdas/ingest/ingest.schema';

/**
 * CPU a campaign's lead schema costs per request: the body's parse plus the campaign's field
 * rules, for a campaign without declarations and one with 50 typed fields (10 each of string
 * with a pattern, integer, number, enum and zip), a lead carrying all 50. No DynamoDB: the
 * schema is part of the cached configuration. Prints microseconds per request.
 */
export function leadSchemaCost(iterations = 20_000): void {
  const kinds: ((index: number) => [FieldDeclaration, unknown])[] = [
    (index) => [{ name: `s${index}`, type: 'string', maxLength: 40, pattern: '^[A-Z]{2}-[0-9]{4}$' }, 'AB-1234'],
    (index) => [{ name: `i${index}`, type: 'integer', min: 0, max: 100000 }, 5000],
    (index) => [{ name: `n${index}`, type: 'number', min: 0, max: 1 }, 0.25],
    (index) => [{ name: `e${index}`, type: 'enum', values: ['a', 'b', 'c', 'd'] }, 'c'],
    (index) => [{ name: `z${index}`, type: 'zip' }, '94107-1234'],
  ];
  const pairs = Array.from({ length: 50 }, (_, index) => kinds[index % kinds.length](index));
  const base: Campaign = { campaignId: 'cmp_bench', name: 'Bench', ...DEFAULT_CAMPAIGN_SETTINGS, createdAt: '', updatedAt: '' };
  const typed: Campaign = { ...base, customFields: pairs.map(([field]) => field), unknownFields: 'refuse', consent: 'trustedform' };
  const lead = {
    flo_campaign_id: 'cmp_bench',
    email: 'a@example.com',
    phone: '+1 555 010 2030',
    trustedform_cert_url: `https://cert.trustedform.com/${'ab'.repeat(20)}`,
    ...Object.fromEntries(pairs.map(([field, value]) => [field.name, value])),
  };
  const now = new Date();
  const run = (campaign: Campaign) => {
    for (let index = 0; index < 2000; index += 1) checkedLeadFields(campaign, toLeadSubmission(parseIngestBody(lead)), now);
    const start = process.cpuUsage();
    for (let index = 0; index < iterations; index += 1) checkedLeadFields(campaign, toLeadSubmission(parseIngestBody(lead)), now);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / iterations;
  };
  const plain = run(base);
  const declared = run(typed);
  console.log('\nLead schema: CPU per request (body parse + campaign field rules, 55-field lead)');
  console.log(`  no declared fields:        ${plain.toFixed(1)} µs`);
  console.log(`  50 declared typed fields:  ${declared.toFixed(1)} µs (+${(declared - plain).toFixed(1)} µs)`);
}
