import { ArnFormat, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { EDGE_ANSWERS, gatewayAnswerBody, type GatewayAnswer } from '../../lambdas/gateway-responses';
import { API_KEY_HEADER } from './supplier-api';

/** A managed rule whose matches are let through, and why. */
export interface AllowedManagedRule {
  /** Rule name in the group, e.g. `SizeRestrictions_BODY`. */
  readonly rule: string;
  /** The label the rule adds to a request it matches. */
  readonly label: string;
  readonly reason: string;
}

/** The AWS managed rule groups the web ACL runs, and their label namespaces. */
export const MANAGED_RULE_GROUPS = [
  { name: 'AWSManagedRulesCommonRuleSet', labelNamespace: 'awswaf:managed:aws:core-rule-set:' },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet', labelNamespace: 'awswaf:managed:aws:known-bad-inputs:' },
] as const;

/**
 * Managed rules that would block valid supplier traffic. Their matches are only counted.
 * (Labels as AWS documents them for the core rule set.)
 */
export const ALLOWED_MANAGED_RULES: readonly AllowedManagedRule[] = [
  {
    rule: 'SizeRestrictions_BODY',
    label: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body',
    reason: 'blocks bodies over 8 KB; the contract accepts leads up to 64 KiB (API Gateway and the handlers enforce that limit)',
  },
  {
    rule: 'NoUserAgent_HEADER',
    label: 'awswaf:managed:aws:core-rule-set:NoUserAgent_Header',
    reason: 'blocks requests without User-Agent; suppliers post server to server, and many HTTP clients send none',
  },
];

export interface EdgeProtectionProps {
  /** The stage the web ACL guards. */
  readonly stage: Stage;
  /** Requests one source IP may send in `rateWindowSeconds` before it is blocked. */
  readonly rateLimitPerIp: number;
  /** @default 60 */
  readonly rateWindowSeconds?: 60 | 120 | 300 | 600;
  /**
   * Whether WAF logs to CloudWatch Logs (group `aws-waf-logs-<stack name>-<stack id suffix>`,
   * kept when the stack is deleted). The `x-api-key`
   * and `authorization` headers and the query string (lookups carry phone numbers and e-mail
   * addresses) are redacted.
   * @default false
   */
  readonly logging?: boolean;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/** Keys of the web ACL's custom response bodies. */
const BODY_KEYS = { blocked: 'request_blocked', rateLimited: 'ip_rate_limited' } as const;

/**
 * An AWS WAF web ACL on the stage: a rate limit per source IP, then the AWS managed common and
 * known-bad-inputs rules. Blocks answer JSON in the contract's envelope with their own codes
 * (`request_blocked`, `ip_rate_limited`), never WAF's bare 403 that would read as "not
 * attached".
 *
 * Managed rule groups cannot be given a custom response themselves, so they run in count mode
 * (they only label what they match) and one rule after them blocks on their labels, except the
 * labels of `ALLOWED_MANAGED_RULES`. A rule AWS adds to a group later blocks the same way.
 *
 * Sampled requests are off throughout: they show request headers, `x-api-key` included, and
 * ignore log redaction.
 */
export class EdgeProtection extends Construct {
  readonly webAcl: CfnWebACL;
  /** The web ACL's name (in the console and the API). */
  readonly webAclName: string;
  /**
   * The web ACL's metric name (its visibility config): what WAF publishes as the `WebACL`
   * dimension of its CloudWatch metrics, not its name.
   */
  readonly webAclMetricName: string;
  /** CloudWatch metric names (the `Rule` dimension) of the rules that block, by what they stop. */
  readonly blockingRuleMetrics: Readonly<Record<'perIpRateLimit' | 'managedRules', string>>;
  readonly association: CfnWebACLAssociation;
  readonly logGroup?: LogGroup;

  constructor(scope: Construct, id: string, props: EdgeProtectionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const metricPrefix = stack.stackName;
    // Named after the stack, so the dashboard can address its metrics; unique per stack and region.
    this.webAclName = `${stack.stackName}-suppliers`;
    this.webAclMetricName = `${metricPrefix}-WebAcl`;
    this.blockingRuleMetrics = { perIpRateLimit: `${metricPrefix}-RateLimitPerIp`, managedRules: `${metricPrefix}-BlockManagedRuleMatches` };
    const visibility = (metric: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${metricPrefix}-${metric}`,
      sampledRequestsEnabled: false,
    });

    const managedRules: CfnWebACL.RuleProperty[] = MANAGED_RULE_GROUPS.map((group, index) => ({
      name: group.name,
      priority: 10 + index,
      overrideAction: { count: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: group.name } },
      visibilityConfig: visibility(group.name),
    }));

    const blockOnLabels: CfnWebACL.RuleProperty = {
      name: 'BlockManagedRuleMatches',
      priority: 20,
      action: { block: { customResponse: customResponse(EDGE_ANSWERS.requestBlocked, BODY_KEYS.blocked) } },
      statement: {
        andStatement: {
          statements: [
            {
              orStatement: {
                statements: MANAGED_RULE_GROUPS.map((group) => ({
                  labelMatchStatement: { scope: 'NAMESPACE', key: group.labelNamespace },
                })),
              },
            },
            ...ALLOWED_MANAGED_RULES.map((allowed) => ({
              notStatement: { statement: { labelMatchStatement: { scope: 'LABEL', key: allowed.label } } },
            })),
          ],
        },
      },
      visibilityConfig: visibility('BlockManagedRuleMatches'),
    };

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: this.webAclName,
      description: 'Supplier API: per-IP rate limit and AWS managed rules, answering in the API error envelope',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: this.webAclMetricName, sampledRequestsEnabled: false },
      customResponseBodies: {
        [BODY_KEYS.blocked]: { contentType: 'APPLICATION_JSON', content: gatewayAnswerBody(EDGE_ANSWERS.requestBlocked) },
        [BODY_KEYS.rateLimited]: { contentType: 'APPLICATION_JSON', content: gatewayAnswerBody(EDGE_ANSWERS.ipRateLimited) },
      },
      rules: [
        {
          // First, so a flood is stopped before the costlier managed rules inspect it.
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: { customResponse: customResponse(EDGE_ANSWERS.ipRateLimited, BODY_KEYS.rateLimited) } },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.rateLimitPerIp,
              evaluationWindowSec: props.rateWindowSeconds ?? 60,
            },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        ...managedRules,
        blockOnLabels,
      ],
    });

    this.association = new CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    if (props.logging) {
      // WAF writes only to log groups whose name starts with `aws-waf-logs-`, so the group needs
      // a physical name. The group is kept when the stack is deleted (the logs outlive it); the
      // first block of the stack id's UUID, new for each creation of the stack and fixed for its
      // life, keeps a stack deployed again under the same name from clashing with the kept group.
      const logGroupName = `aws-waf-logs-${stack.stackName}-${stackIdSuffix(stack)}`;
      this.logGroup = new LogGroup(this, 'Logs', {
        logGroupName,
        retention: props.logRetention ?? RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const logging = new CfnLoggingConfiguration(this, 'Logging', {
        resourceArn: this.webAcl.attrArn,
        // The log group's ARN without the `:*` that `logGroupArn` carries.
        logDestinationConfigs: [
          stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        ],
        // A supplier may also send its key as `Authorization: Bearer <key>` (refused with 401,
        // but still a key): both headers are redacted.
        redactedFields: [{ singleHeader: { Name: API_KEY_HEADER } }, { singleHeader: { Name: 'authorization' } }, { queryString: {} }],
      });
      logging.node.addDependency(this.logGroup);
    }
  }
}

/** `arn:...:stack/<name>/<uuid>` -> the UUID's first eight hex digits. */
function stackIdSuffix(stack: Stack): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', stack.stackId))));
}

function customResponse(answer: GatewayAnswer, bodyKey: string): CfnWebACL.CustomResponseProperty {
  return {
    responseCode: answer.statusCode,
    customResponseBodyKey: bodyKey,
    responseHeaders: answer.retryAfter === undefined ? undefined : [{ name: 'Retry-After', value: String(answer.retryAfter) }],
  };
}
