import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { IUsagePlan } from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { STACK_TAG } from '../../admin/api-gateway-usage-plan';
import { acknowledge } from '../nag-acknowledgments';

export interface OperatorPolicyProps {
  readonly table: ITable;
  readonly usagePlan: IUsagePlan;
  /** The lead events' bus, which `leadctl events replay` puts events on. */
  readonly eventBus: IEventBus;
  /** The ping-token key, which `leadctl ping-secret rotate` replaces. */
  readonly pingSecret: ISecret;
  /** The route functions' and the access log groups, which `leadctl report --stack` queries. */
  readonly requestLogGroups: readonly ILogGroup[];
}

/** DynamoDB actions the admin repositories call (campaigns, suppliers, keys, attachments, caps). */
export const OPERATOR_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:TransactWriteItems',
  // Transactions that check the campaign and supplier (attach) need it on the checked items.
  'dynamodb:ConditionCheckItem',
] as const;

/**
 * What `leadctl --stack <this stack>` needs, as a managed policy to attach to the operator's
 * role or user: the stack's outputs, the table and its admin index, API Gateway API keys
 * with this stack's usage plan, and a new value for the ping-token key. API keys live outside
 * the stack and have account-assigned ids: deleting one needs the stack's tag on it, and the
 * only tag this policy may set is that one.
 */
export class OperatorPolicy extends Construct {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: OperatorPolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const apigateway = (path: string) => stack.formatArn({ service: 'apigateway', account: '', resource: path });
    const planKeys = `/usageplans/${props.usagePlan.usagePlanId}/keys`;

    this.policy = new ManagedPolicy(this, 'Policy', {
      description: `leadctl --stack ${stack.stackName}: suppliers, campaigns and keys of this stack`,
      statements: [
        new PolicyStatement({ sid: 'ReadStackOutputs', actions: ['cloudformation:DescribeStacks'], resources: [stack.stackId] }),
        new PolicyStatement({
          sid: 'AdminTable',
          actions: [...OPERATOR_TABLE_ACTIONS],
          // GSI1 holds the admin listings (campaigns, suppliers, a supplier's keys); GSI2 and GSI3
          // find a person's leads (leads erase); GSI4 is the export index (leads export, events replay).
          resources: [props.table.tableArn, ...['GSI1', 'GSI2', 'GSI3', 'GSI4'].map((index) => `${props.table.tableArn}/index/${index}`)],
        }),
        // ping-secret rotate: reads when the key last changed (its versions), then puts a new
        // value; never reads the key itself.
        new PolicyStatement({
          sid: 'RotatePingSecret',
          actions: ['secretsmanager:ListSecretVersionIds', 'secretsmanager:PutSecretValue'],
          resources: [props.pingSecret.secretArn],
        }),
        new PolicyStatement({ sid: 'ReplayLeadEvents', actions: ['events:PutEvents'], resources: [props.eventBus.eventBusArn] }),
        // leads backfill-export: a one-off pass over the table (not its indexes) for leads stored
        // before the export index existed; no other command scans.
        new PolicyStatement({ sid: 'BackfillExportIndex', actions: ['dynamodb:Scan'], resources: [props.table.tableArn] }),
        new PolicyStatement({
          sid: 'ApiKeys',
          // POST /apikeys creates a key (tagged with this stack in the same call), GET lists them
          // (quota count, sync).
          actions: ['apigateway:GET', 'apigateway:POST'],
          resources: [apigateway('/apikeys')],
        }),
        new PolicyStatement({
          sid: 'DeleteApiKeys',
          // API key ids are assigned by API Gateway, so the resource is every key of the region;
          // the tag narrows it to the keys of this stack.
          actions: ['apigateway:DELETE'],
          resources: [apigateway('/apikeys/*')],
          conditions: { StringEquals: { [`aws:ResourceTag/${STACK_TAG}`]: stack.stackName } },
        }),
        new PolicyStatement({
          sid: 'TagApiKeys',
          // Tagging (on create, and `key sync` on keys made before the tag) is PUT on /tags/<arn>;
          // it only supports conditions on the tags sent: this one tag, with this stack's name.
          actions: ['apigateway:PUT'],
          resources: [apigateway('/tags/*')],
          conditions: {
            StringEquals: { [`aws:RequestTag/${STACK_TAG}`]: stack.stackName },
            'ForAllValues:StringEquals': { 'aws:TagKeys': [STACK_TAG] },
          },
        }),
        // leadctl report --stack: Logs Insights over the request log groups only. Reading a
        // query's results (or stopping one) takes no resource: IAM knows none for those actions.
        new PolicyStatement({
          sid: 'QueryRequestLogs',
          actions: ['logs:StartQuery'],
          // The log group's ARN with and without the `:*` suffix (StartQuery is checked against either form).
          resources: props.requestLogGroups.flatMap((group) => [
            group.logGroupArn,
            stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: group.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          ]),
        }),
        new PolicyStatement({ sid: 'ReadQueryResults', actions: ['logs:GetQueryResults', 'logs:StopQuery'], resources: ['*'] }),
        new PolicyStatement({
          sid: 'UsagePlanKeys',
          actions: ['apigateway:GET', 'apigateway:POST'],
          resources: [apigateway(planKeys)],
        }),
      ],
    });
    acknowledge(
      this.policy,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/apikeys/*]',
      'API Gateway assigns API key ids when leadctl creates a key, so DELETE cannot name them in advance; ' +
        `the condition aws:ResourceTag/${STACK_TAG} = this stack's name limits it to keys carrying this stack's tag ` +
        '(which TagApiKeys lets the holder put on any key of the region: the README names what tag conditions cannot prevent).',
    );
    acknowledge(
      this.policy,
      'AwsSolutions-IAM5[Resource::*]',
      'logs:GetQueryResults and logs:StopQuery support no resource types; they act on a query id that logs:StartQuery, ' +
        'which is limited to this stack\'s request log groups, returned.',
    );
    acknowledge(
      this.policy,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/tags/*]',
      'Tagging a new or older API key is PUT on /tags/<the key\'s ARN>, whose id API Gateway assigns; ' +
        `the conditions allow one tag only, ${STACK_TAG}, with this stack's name as its value.`,
    );
  }
}
