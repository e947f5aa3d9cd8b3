import * as fs from 'node:fs';
import * as path from 'node:path';
import { ResourceImpact, fullDiff } from '@aws-cdk/cloudformation-diff';

/**
 * The committed template of the stack as last released, which an update is checked against.
 * `npm run baseline` writes it; writing it is the deliberate step that accepts a change.
 */
export const BASELINE_PATH = path.join(__dirname, '..', 'test', 'infra', 'baseline', 'LeadIngestApi.template.json');

/** The command that rewrites the baseline, for messages. */
export const BASELINE_COMMAND = 'npm run baseline';

/**
 * Resources whose replacement or removal loses data or breaks clients: the table (every lead,
 * key and supplier), the stream's event source mapping (a new one starts over and drops or
 * repeats events), the REST API (a new one has a new URL for every supplier), the usage plan
 * (every key falls out of it until `leadctl key sync`), the bus, the dead-letter queue, the
 * ping secret (outstanding ping ids stop verifying) and the log groups.
 */
export const GUARDED_TYPES: readonly string[] = [
  'AWS::DynamoDB::Table',
  'AWS::Lambda::EventSourceMapping',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::UsagePlan',
  'AWS::Events::EventBus',
  'AWS::SQS::Queue',
  'AWS::SecretsManager::Secret',
  'AWS::Logs::LogGroup',
];

/** What an update must not do to a guarded resource. */
export const REFUSED_IMPACTS: readonly ResourceImpact[] = [
  ResourceImpact.WILL_REPLACE,
  ResourceImpact.MAY_REPLACE,
  ResourceImpact.WILL_DESTROY,
  ResourceImpact.WILL_ORPHAN,
];

export type Template = { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }>; [key: string]: unknown };

/** One change to a guarded resource that the update would make. */
export interface StatefulFinding {
  readonly logicalId: string;
  readonly type: string;
  readonly impact: ResourceImpact;
  /** Properties (or attributes) whose change causes it; empty when the resource is removed or renamed. */
  readonly changes: readonly string[];
}

/**
 * The template with what changes on every build and never matters to CloudFormation's
 * decisions taken out: asset and bundle hashes (64 hex digits, in S3 keys and asset paths) and
 * resource metadata (construct paths, asset paths).
 */
export function normaliseTemplate(template: Template): Template {
  const text = JSON.stringify(template, (key, value) => (key === 'Metadata' ? undefined : value));
  return JSON.parse(text.replace(/[0-9a-f]{64}/g, '<asset-hash>')) as Template;
}

/** Every replacement, removal or orphaning of a guarded resource that updating `baseline` to `candidate` would cause. */
export function statefulFindings(baseline: Template, candidate: Template): StatefulFinding[] {
  const diff = fullDiff(normaliseTemplate(baseline), normaliseTemplate(candidate));
  const findings: StatefulFinding[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const type = change.oldResourceType;
    if (!type || !GUARDED_TYPES.includes(type)) return;
    const impact = change.changeImpact;
    if (!REFUSED_IMPACTS.includes(impact)) return;
    const changes = [
      ...Object.entries(change.propertyUpdates)
        .filter(([, update]) => update.isDifferent)
        .map(([name, update]) => `${name} (${update.changeImpact ?? 'changed'})`),
      ...Object.entries(change.otherChanges)
        .filter(([, update]) => update.isDifferent)
        .map(([name]) => name),
    ];
    findings.push({ logicalId, type, impact, changes });
  });
  return findings;
}

interface TableIndex {
  readonly IndexName: string;
}

interface TableProperties {
  readonly GlobalSecondaryIndexes?: readonly TableIndex[];
  readonly StreamSpecification?: unknown;
}

/**
 * DynamoDB limits what one update of the table may do, and CloudFormation passes them on: one
 * global secondary index created or deleted per update (an index's keys or projection cannot
 * change in place: that is a delete and a create), and an enabled stream cannot change its view type (CloudFormation would have to turn
 * it off and on, and a new stream ARN replaces the event source mapping, dropping what was
 * written in between). Returns each problem, empty when the update is allowed.
 */
export function tableChangeProblems(baseline: Template, candidate: Template): string[] {
  const problems: string[] = [];
  const before = tablesOf(baseline);
  const after = tablesOf(candidate);
  for (const [logicalId, old] of before) {
    const next = after.get(logicalId);
    if (!next) continue;
    const oldIndexes = new Map((old.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, JSON.stringify(index)]));
    const newIndexes = new Map((next.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, JSON.stringify(index)]));
    const created = [...newIndexes.keys()].filter((name) => !oldIndexes.has(name));
    const deleted = [...oldIndexes.keys()].filter((name) => !newIndexes.has(name));
    // An index's keys and projection cannot change in place: it is deleted and created again, two operations.
    const rebuilt = [...newIndexes.keys()].filter((name) => oldIndexes.has(name) && shapeOf(oldIndexes.get(name)!) !== shapeOf(newIndexes.get(name)!));
    const operations = created.length + deleted.length + 2 * rebuilt.length;
    if (operations > 1) {
      problems.push(
        `${logicalId}: ${operations} global secondary index operations in one update ` +
          `(created: ${created.join(', ') || 'none'}; deleted: ${deleted.join(', ') || 'none'}; keys or projection changed: ${rebuilt.join(', ') || 'none'}); ` +
          'DynamoDB takes one index created or deleted per update: release them one at a time.',
      );
    }
    if (JSON.stringify(old.StreamSpecification ?? null) !== JSON.stringify(next.StreamSpecification ?? null)) {
      problems.push(
        `${logicalId}: the stream settings change (${JSON.stringify(old.StreamSpecification ?? null)} -> ${JSON.stringify(next.StreamSpecification ?? null)}); ` +
          'an enabled stream cannot change its view type, and a new stream replaces the event source mapping, losing the events written in between.',
      );
    }
  }
  return problems;
}

function tablesOf(template: Template): Map<string, TableProperties> {
  return new Map(
    Object.entries(template.Resources ?? {})
      .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
      .map(([logicalId, resource]) => [logicalId, (resource.Properties ?? {}) as TableProperties]),
  );
}

function shapeOf(index: string): string {
  const { KeySchema, Projection } = JSON.parse(index) as { KeySchema?: unknown; Projection?: unknown };
  return JSON.stringify([KeySchema ?? null, Projection ?? null]);
}

/** The committed baseline, or a clear error naming the command that writes it. */
export function readBaseline(file = BASELINE_PATH): Template {
  if (!fs.existsSync(file)) throw new Error(`No baseline template at ${file}; '${BASELINE_COMMAND}' writes it.`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Template;
}

/** Writes the template, normalised, as the new baseline. */
export function writeBaseline(template: Template, file = BASELINE_PATH): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(normaliseTemplate(template), null, 2)}\n`);
}

/** One line per finding, for test failures and the baseline command's output. */
export function describeFindings(findings: readonly StatefulFinding[]): string {
  return findings
    .map((finding) => `${finding.type} ${finding.logicalId}: ${finding.impact}${finding.changes.length > 0 ? ` (${finding.changes.join(', ')})` : ''}`)
    .join('\n');
}
