import { ResourceImpact } from '@aws-cdk/cloudformation-diff';
import {
  BASELINE_COMMAND,
  GUARDED_TYPES,
  normaliseTemplate,
  readBaseline,
  statefulFindings,
  tableChangeProblems,
  type StatefulFinding,
  type Template,
} from '../../scripts/upgrade-guard';
import { synthStack } from './synth-stack';

const HINT =
  `If the change is deliberate and you have decided how the data, keys and events move over (see the README's upgrade and recovery runbook), ` +
  `accept it with '${BASELINE_COMMAND}' and commit the baseline.`;

/** A deep copy to change, so no test sees another's edits. */
const copy = (template: Template): Template => JSON.parse(JSON.stringify(template)) as Template;

function onlyOf(template: Template, type: string): [string, { Type: string; Properties?: Record<string, any>; [key: string]: unknown }] {
  const found = Object.entries(template.Resources ?? {}).filter(([, resource]) => resource.Type === type);
  expect(found).toHaveLength(1);
  return found[0] as [string, { Type: string; Properties?: Record<string, any> }];
}

const summary = (findings: StatefulFinding[]) => findings.map(({ logicalId, type, impact }) => ({ logicalId, type, impact }));

describe('upgrades that lose nothing', () => {
  const baseline = readBaseline();
  const current = synthStack().template.toJSON() as Template;

  describe('the stack as it is now, against the committed baseline', () => {
    it('replaces, destroys or orphans none of the table, its event source mapping, the API, the usage plan, the bus, the queue, the secret or a log group', () => {
      const findings = statefulFindings(baseline, current).map((finding) => `${finding.type} ${finding.logicalId}: ${finding.impact} (${finding.changes.join(', ')}). ${HINT}`);
      expect(findings).toEqual([]);
    });

    it('creates or deletes at most one index and leaves the stream settings alone', () => {
      expect(tableChangeProblems(baseline, current).map((problem) => `${problem} ${HINT}`)).toEqual([]);
    });

    it('has a baseline holding every guarded kind of resource', () => {
      const types = new Set(Object.values(baseline.Resources ?? {}).map((resource) => resource.Type));
      for (const type of GUARDED_TYPES) expect(types).toContain(type);
    });

    it('has a baseline without asset hashes, so rebuilding the bundles does not change it', () => {
      expect(JSON.stringify(baseline)).not.toMatch(/[0-9a-f]{64}/);
      const rebundled = copy(current);
      for (const resource of Object.values(rebundled.Resources ?? {})) {
        const code = resource.Properties?.Code as { S3Key?: string } | undefined;
        if (code?.S3Key) code.S3Key = `${'ab'.repeat(32)}.zip`;
      }
      expect(normaliseTemplate(rebundled)).toEqual(normaliseTemplate(current));
    });
  });

  describe('the guard', () => {
    it('reports a change of the table\'s key as a replacement of the table (and the stream\'s mapping)', () => {
      const changed = copy(current);
      const [tableId, table] = onlyOf(changed, 'AWS::DynamoDB::Table');
      table.Properties!.KeySchema = [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SortKey', KeyType: 'RANGE' },
      ];
      table.Properties!.AttributeDefinitions.push({ AttributeName: 'SortKey', AttributeType: 'S' });

      const findings = statefulFindings(baseline, changed);

      expect(summary(findings)).toContainEqual({ logicalId: tableId, type: 'AWS::DynamoDB::Table', impact: ResourceImpact.WILL_REPLACE });
      expect(findings.find((finding) => finding.logicalId === tableId)!.changes.join(' ')).toContain('KeySchema');
      // The new table has a new stream: its mapping starts over.
      const [mappingId] = onlyOf(changed, 'AWS::Lambda::EventSourceMapping');
      expect(summary(findings)).toContainEqual({ logicalId: mappingId, type: 'AWS::Lambda::EventSourceMapping', impact: ResourceImpact.WILL_REPLACE });
    });

    it('reports a table name given to a table created without one (the tableName setting on an existing stack)', () => {
      const named = synthStack({ tableName: 'leads-restored' }).template.toJSON() as Template;
      const [tableId] = onlyOf(named, 'AWS::DynamoDB::Table');
      expect(summary(statefulFindings(baseline, named))).toContainEqual({ logicalId: tableId, type: 'AWS::DynamoDB::Table', impact: ResourceImpact.WILL_REPLACE });
    });

    it('reports a construct id change that moves the table, the usage plan or the API to a new logical id', () => {
      for (const type of ['AWS::DynamoDB::Table', 'AWS::ApiGateway::UsagePlan', 'AWS::ApiGateway::RestApi']) {
        const moved = copy(current);
        const [logicalId, resource] = onlyOf(moved, type);
        delete moved.Resources![logicalId];
        moved.Resources![`Renamed${logicalId}`] = resource;
        // References follow the new id, as a renamed construct's would.
        const text = JSON.stringify(moved).split(`"${logicalId}"`).join(`"Renamed${logicalId}"`);

        const findings = statefulFindings(baseline, JSON.parse(text) as Template);

        expect(findings.find((finding) => finding.logicalId === logicalId)).toMatchObject({
          type,
          impact: expect.stringMatching(/^(WILL_DESTROY|WILL_ORPHAN)$/),
        });
      }
    });

    it('reports a renamed log group, a replaced stream mapping and a removed secret', () => {
      const changed = copy(current);
      const [logGroupId, logGroup] = Object.entries(changed.Resources ?? {}).find(([, resource]) => resource.Type === 'AWS::Logs::LogGroup')!;
      logGroup.Properties = { ...logGroup.Properties, LogGroupName: 'renamed-group' };
      const [mappingId, mapping] = onlyOf(changed, 'AWS::Lambda::EventSourceMapping');
      mapping.Properties!.StartingPosition = 'LATEST';
      const [secretId] = onlyOf(changed, 'AWS::SecretsManager::Secret');
      delete changed.Resources![secretId];

      const impacts = Object.fromEntries(statefulFindings(baseline, changed).map((finding) => [finding.logicalId, finding.impact]));

      expect(impacts[logGroupId]).toBe(ResourceImpact.WILL_REPLACE);
      expect(impacts[mappingId]).toBe(ResourceImpact.WILL_REPLACE);
      expect(impacts[secretId]).toBe(ResourceImpact.WILL_DESTROY);
    });

    it('lets updates in place through: a log retention, a queue setting, a function\'s memory', () => {
      const changed = copy(current);
      const [, logGroup] = Object.entries(changed.Resources ?? {}).find(([, resource]) => resource.Type === 'AWS::Logs::LogGroup')!;
      logGroup.Properties = { ...logGroup.Properties, RetentionInDays: 90 };
      const [, queue] = onlyOf(changed, 'AWS::SQS::Queue');
      queue.Properties!.MessageRetentionPeriod = 345600;
      const [, fn] = Object.entries(changed.Resources ?? {}).find(([, resource]) => resource.Type === 'AWS::Lambda::Function')!;
      fn.Properties!.MemorySize = 1024;

      expect(statefulFindings(baseline, changed)).toEqual([]);
    });
  });

  describe('the table change check', () => {
    type Index = { IndexName: string; KeySchema: { AttributeName: string; KeyType: string }[]; Projection: unknown };
    const indexNamed = (name: string): Index => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: `${name}PK`, KeyType: 'HASH' },
        { AttributeName: `${name}SK`, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    });
    function withTable(change: (table: Record<string, any>) => void): Template {
      const changed = copy(current);
      change(onlyOf(changed, 'AWS::DynamoDB::Table')[1].Properties!);
      return changed;
    }

    it('lets one new index through', () => {
      expect(tableChangeProblems(baseline, withTable((table) => table.GlobalSecondaryIndexes.push(indexNamed('GSI5'))))).toEqual([]);
    });

    it('lets one deleted index through', () => {
      expect(tableChangeProblems(baseline, withTable((table) => table.GlobalSecondaryIndexes.pop()))).toEqual([]);
    });

    it('refuses two new indexes in one update', () => {
      const problems = tableChangeProblems(baseline, withTable((table) => table.GlobalSecondaryIndexes.push(indexNamed('GSI5'), indexNamed('GSI6'))));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/2 global secondary index operations.*created: GSI5, GSI6/);
    });

    it('refuses an index deleted and another created in one update', () => {
      const problems = tableChangeProblems(baseline, withTable((table) => {
        table.GlobalSecondaryIndexes.pop();
        table.GlobalSecondaryIndexes.push(indexNamed('GSI5'));
      }));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/created: GSI5; deleted: GSI4/);
    });

    it('refuses a changed key schema of an index (a delete and a create)', () => {
      const problems = tableChangeProblems(baseline, withTable((table) => {
        table.GlobalSecondaryIndexes[0].KeySchema = indexNamed('byCampaign').KeySchema;
      }));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/keys or projection changed: GSI1/);
    });

    it('refuses a changed projection of an index (a delete and a create)', () => {
      const problems = tableChangeProblems(baseline, withTable((table) => {
        table.GlobalSecondaryIndexes[3].Projection = { ProjectionType: 'ALL' };
      }));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/keys or projection changed: GSI4/);
    });

    it('refuses any change to the stream settings: another view type, or no stream', () => {
      for (const stream of [{ StreamViewType: 'NEW_AND_OLD_IMAGES' }, undefined]) {
        const problems = tableChangeProblems(baseline, withTable((table) => {
          table.StreamSpecification = stream;
        }));
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain('stream settings change');
      }
    });
  });
});
