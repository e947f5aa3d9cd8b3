import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  CfnRestApi,
  EndpointAccessMode,
  EndpointType,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  RequestAuthorizer,
  RestApi,
  SecurityPolicy,
  type Method,
  type ThrottleSettings,
  type UsagePlan,
} from 'aws-cdk-lib/aws-apigateway';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PUBLIC_ROUTES, THROTTLE, type PublicRouteDefinition, type RouteDefinition } from '../../lambdas/routes';
import { acknowledge } from '../nag-acknowledgments';
import { addJsonGatewayResponses } from './gateway-responses';
import { addMethodNotAllowed, type RoutePath } from './method-not-allowed';

/** The header suppliers send their key in. */
export const API_KEY_HEADER = 'x-api-key';

/**
 * One access-log line per request, as JSON. Deliberately absent: the `x-api-key` header,
 * `$context.identity.apiKey` (the usage-plan key value) and the query string (lookups carry
 * phone numbers and e-mail addresses). `apiKeyId` is API Gateway's id of the key, not a secret.
 * The authorizer and integration fields explain a 401, 500 or 503 without reading the
 * functions' logs: the authorizer's error (e.g. `Unauthorized`), how long it took, and why
 * API Gateway could not use the integration (a function that failed, timed out or was throttled).
 * The functions answer every error of a request themselves, so the integration error only
 * describes failures around them (timeout, throttling, a failed start), never a request's data.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTimeEpoch: '$context.requestTimeEpoch',
  ip: '$context.identity.sourceIp',
  method: '$context.httpMethod',
  path: '$context.resourcePath',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  principalId: '$context.authorizer.principalId',
  // The authorizer's context: whose request a gateway answer (429, 413) was, for leadctl report.
  supplierId: '$context.authorizer.supplierId',
  keyId: '$context.authorizer.keyId',
  apiKeyId: '$context.identity.apiKeyId',
  errorType: '$context.error.responseType',
  authorizerError: '$context.authorizer.error',
  authorizerLatencyMs: '$context.authorizer.latency',
  integrationError: '$context.integrationErrorMessage',
  wafResponse: '$context.wafResponseCode',
  tlsVersion: '$context.tlsVersion',
} as const;

export interface SupplierApiCustomDomain {
  /** Fully qualified name, e.g. `leads.example.com`. */
  readonly domainName: string;
  /** ACM certificate for the name, in the stack's region (REGIONAL endpoint). */
  readonly certificate: ICertificate;
}

export interface SupplierApiProps {
  /** The REQUEST authorizer's function: resolves `x-api-key` to a supplier and its usage-plan key. */
  readonly authorizerFunction: IFunction;
  /**
   * How long API Gateway caches the authorizer's answer for one `x-api-key` value. A revoked
   * key (or a deleted supplier) keeps being let in for at most this long; 0 turns caching off
   * at the price of one authorizer run per request.
   * @default Duration.seconds(60)
   */
  readonly authCacheTtl?: Duration;
  /**
   * Per-key limits of the usage plan. API Gateway applies them to each API key separately.
   * @default THROTTLE from lambdas/routes.ts (100 requests/s, burst 200)
   */
  readonly throttle?: ThrottleSettings;
  /**
   * The stage's default method throttle: all clients together, on top of the per-key plan.
   * It keeps a flood of requests (bad keys included, which still invoke the authorizer on a
   * cache miss) from taking all of the account's Lambda concurrency and API Gateway quota.
   * @default 1000 requests/s, burst 2000
   */
  readonly stageThrottle?: ThrottleSettings;
  /**
   * TLS policy of the execute-api endpoint and of the custom domain. Must be a policy for
   * REGIONAL endpoints; the enhanced (`SecurityPolicy_*`) ones need `endpointAccessMode`.
   * @default SecurityPolicy.TLS13_1_2_PQ_2025_09 (TLS 1.3 and TLS 1.2, nothing older)
   */
  readonly securityPolicy?: SecurityPolicy;
  /**
   * STRICT rejects requests whose TLS SNI host does not match the endpoint they arrive at.
   * @default EndpointAccessMode.STRICT
   */
  readonly endpointAccessMode?: EndpointAccessMode;
  /**
   * Custom domain mapped at its root to the stage. When set, the default execute-api endpoint
   * is switched off so that the domain is the only way in.
   * @default - no custom domain
   */
  readonly customDomain?: SupplierApiCustomDomain;
  /**
   * Route paths already start with `api/v1`, so the stage name carries no version.
   * @default 'prod'
   */
  readonly stageName?: string;
  /**
   * Name shown in the API Gateway console (not unique, not a physical id).
   * @default `<stack name>-suppliers`
   */
  readonly restApiName?: string;
  /** @default RetentionDays.ONE_MONTH */
  readonly accessLogRetention?: RetentionDays;
  /**
   * Whether to set the account's API Gateway CloudWatch role, which access logging needs. The
   * role is account- and region-wide, so it is retained when the stack is deleted.
   * @default true
   */
  readonly manageAccountLogRole?: boolean;
}

/**
 * The supplier-facing REST API: a REGIONAL endpoint with a TLS 1.2+ policy and no CORS (the
 * API is server-to-server only), a Lambda REQUEST authorizer on `x-api-key` in front of every
 * method, API keys taken from the authorizer for one per-key usage plan, JSON gateway
 * responses in the contract's envelope, and JSON access logs.
 */
export class SupplierApi extends Construct {
  readonly api: RestApi;
  readonly authorizer: RequestAuthorizer;
  readonly usagePlan: UsagePlan;
  readonly accessLogGroup: LogGroup;
  /** Base URL clients call, ending in `/`; route paths are appended to it. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: SupplierApiProps) {
    super(scope, id);

    const securityPolicy = props.securityPolicy ?? SecurityPolicy.TLS13_1_2_PQ_2025_09;
    const endpointAccessMode = props.endpointAccessMode ?? EndpointAccessMode.STRICT;
    const throttle = props.throttle ?? THROTTLE;
    const manageAccountLogRole = props.manageAccountLogRole ?? true;

    // The identity source is the cache key, and with caching on API Gateway answers 401 itself
    // when the header is missing, without invoking the function (with caching off the function
    // refuses a missing key with the same 401). Because one cached answer serves every route
    // for that key, the authorizer cannot decide per route: its policy has to allow the whole
    // API, and each handler checks the key's scope against its own route.
    this.authorizer = new RequestAuthorizer(this, 'Authorizer', {
      handler: props.authorizerFunction,
      identitySources: [IdentitySource.header(API_KEY_HEADER)],
      resultsCacheTtl: props.authCacheTtl ?? Duration.seconds(60),
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.api = new RestApi(this, 'Api', {
      restApiName: props.restApiName ?? `${Stack.of(this).stackName}-suppliers`,
      description: 'Supplier lead-ingest API',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // The authorizer returns the value of the supplier key's API Gateway key (the key's hash),
      // so the usage plan throttles each supplier key on its own while suppliers only ever
      // send their own key.
      apiKeySourceType: ApiKeySourceType.AUTHORIZER,
      // Every request body reaches the functions as its bytes (base64), so a body that is not
      // UTF-8 is refused with 400 rather than arriving with U+FFFD in place of the bad bytes.
      // Answers stay text: the functions never set isBase64Encoded.
      binaryMediaTypes: ['*/*'],
      defaultMethodOptions: {
        authorizer: this.authorizer,
        authorizationType: AuthorizationType.CUSTOM,
        apiKeyRequired: true,
      },
      disableExecuteApiEndpoint: props.customDomain !== undefined,
      domainName: props.customDomain && {
        domainName: props.customDomain.domainName,
        certificate: props.customDomain.certificate,
        endpointType: EndpointType.REGIONAL,
        securityPolicy,
        endpointAccessMode,
      },
      cloudWatchRole: manageAccountLogRole,
      cloudWatchRoleRemovalPolicy: manageAccountLogRole ? RemovalPolicy.RETAIN : undefined,
      deployOptions: {
        stageName: props.stageName ?? 'prod',
        // No stage tracing: API Gateway's segments record the request URL with its query
        // string, and lookups carry phone numbers and e-mail addresses there. The functions
        // keep their own tracing, which records no request data.
        tracingEnabled: false,
        // No detailed (per-method) metrics: nothing reads them, and they cost per metric. The
        // API-wide metrics the alarms and the dashboard use are published without them.
        metricsEnabled: false,
        throttlingRateLimit: props.stageThrottle?.rateLimit ?? 1000,
        throttlingBurstLimit: props.stageThrottle?.burstLimit ?? 2000,
        // No execution logging: at INFO it records the method request headers, x-api-key included.
        accessLogDestination: new LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        // The public documentation routes have no key, hence no usage plan: the stage throttles
        // them, for all callers together. No stage cache anywhere (it would serve one
        // supplier's lookups to another); the docs answers carry Cache-Control instead.
        methodOptions: Object.fromEntries(
          PUBLIC_ROUTES.map((route) => [
            `/${route.path}/${route.method}`,
            { throttlingRateLimit: route.throttle.rateLimit, throttlingBurstLimit: route.throttle.burstLimit },
          ]),
        ),
      },
    });

    // The RestApi L2 has no props for these yet (aws/aws-cdk#36663), so they go on the L1.
    const cfnApi = this.api.node.defaultChild as CfnRestApi;
    cfnApi.securityPolicy = securityPolicy;
    cfnApi.endpointAccessMode = endpointAccessMode;
    // A changed policy only takes effect with a new deployment.
    this.api.latestDeployment?.addToLogicalId({ securityPolicy, endpointAccessMode });

    // RestApi adds an `Endpoint` output of its own; the stack publishes `ApiUrl` instead, which
    // is the custom domain when there is one (the execute-api URL is switched off then).
    this.api.node.tryRemoveChild('Endpoint');

    addJsonGatewayResponses(this.api);

    this.usagePlan = this.api.addUsagePlan('UsagePlan', {
      description: 'Per-key rate limit for supplier keys; the admin CLI adds one API key per supplier key.',
      throttle,
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    });

    this.url = props.customDomain ? `https://${props.customDomain.domainName}/` : this.api.url;
  }

  /** Adds a public route's method: no authorizer, no key, no usage plan (throttled by the stage). */
  addPublicRoute(route: PublicRouteDefinition, handler: IFunction): Method {
    const method = this.api.root.resourceForPath(route.path).addMethod(route.method, new LambdaIntegration(handler, { allowTestInvoke: false }), {
      operationName: route.name,
      authorizationType: AuthorizationType.NONE,
      apiKeyRequired: false,
    });
    const reason =
      'The public API documentation (OpenAPI document and its page): suppliers read it before they have a key; it holds no data, reads no table and is throttled by the stage.';
    acknowledge(method, 'AwsSolutions-APIG4', reason);
    acknowledge(method, 'AwsSolutions-COG4', reason);
    return method;
  }

  /** Answers 405 with `Allow` on each route path for the methods its routes do not take (call once, after the routes). */
  addMethodNotAllowed(routes: readonly RoutePath[]): Method[] {
    return addMethodNotAllowed(this.api.root, routes);
  }

  /** Adds the route's method, guarded by the authorizer and the usage plan, proxying to `handler`. */
  addRoute(route: Pick<RouteDefinition, 'name' | 'method' | 'path'>, handler: IFunction): Method {
    const method = this.api.root.resourceForPath(route.path).addMethod(
      route.method,
      // No extra permission for console test invocations: they skip the authorizer.
      new LambdaIntegration(handler, { allowTestInvoke: false }),
      {
        operationName: route.name,
        authorizer: this.authorizer,
        authorizationType: AuthorizationType.CUSTOM,
        apiKeyRequired: true,
      },
    );
    acknowledge(
      method,
      'AwsSolutions-COG4',
      'Suppliers are servers that authenticate with a per-supplier x-api-key, checked by the Lambda REQUEST authorizer; there are no Cognito users.',
    );
    return method;
  }
}
