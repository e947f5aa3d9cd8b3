import { ResponseType, type RestApiBase } from 'aws-cdk-lib/aws-apigateway';
import { GATEWAY_ANSWERS, gatewayAnswerBody, type GatewayAnswer } from '../../lambdas/gateway-responses';
import { BASE_HEADERS } from '../../lambdas/shared/http';

interface GatewayResponseRule {
  readonly type: ResponseType;
  readonly answer: GatewayAnswer;
  /**
   * Whether to replace API Gateway's status code with the answer's. The catch-alls keep theirs,
   * since DEFAULT_4XX and DEFAULT_5XX stand for many different statuses.
   */
  readonly overrideStatus: boolean;
}

/**
 * Answers API Gateway gives on its own, before or instead of a handler, in the contract's
 * envelope. Bodies are fixed JSON from `GATEWAY_ANSWERS` (shared with the local runtime), not
 * `$context.error.message`, so they stay valid JSON whatever text API Gateway would put there.
 */
const RULES: readonly GatewayResponseRule[] = [
  // The authorizer refused the key, or the x-api-key header is missing (API Gateway answers
  // that itself from the identity source, without invoking the authorizer).
  { type: ResponseType.UNAUTHORIZED, answer: GATEWAY_ANSWERS.unauthorized, overrideStatus: true },
  // The key passed the authorizer but its usage-plan key is gone (revoked a moment ago):
  // to the caller that is still a bad key, so 401 rather than API Gateway's 403.
  { type: ResponseType.INVALID_API_KEY, answer: GATEWAY_ANSWERS.unauthorized, overrideStatus: true },
  { type: ResponseType.ACCESS_DENIED, answer: GATEWAY_ANSWERS.accessDenied, overrideStatus: true },
  { type: ResponseType.THROTTLED, answer: GATEWAY_ANSWERS.throttled, overrideStatus: true },
  { type: ResponseType.QUOTA_EXCEEDED, answer: GATEWAY_ANSWERS.throttled, overrideStatus: true },
  // A REST API answers a path or method it does not have with 403 "Missing Authentication
  // Token"; suppliers should see a plain 404.
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, answer: GATEWAY_ANSWERS.notFound, overrideStatus: true },
  { type: ResponseType.RESOURCE_NOT_FOUND, answer: GATEWAY_ANSWERS.notFound, overrideStatus: true },
  // The authorizer failed (e.g. DynamoDB unreachable): a dependency is down, not the caller's
  // fault, and worth retrying; API Gateway would say 500.
  { type: ResponseType.AUTHORIZER_FAILURE, answer: GATEWAY_ANSWERS.authorizerFailure, overrideStatus: true },
  { type: ResponseType.AUTHORIZER_CONFIGURATION_ERROR, answer: GATEWAY_ANSWERS.authorizerFailure, overrideStatus: true },
  { type: ResponseType.REQUEST_TOO_LARGE, answer: GATEWAY_ANSWERS.tooLarge, overrideStatus: true },
  { type: ResponseType.UNSUPPORTED_MEDIA_TYPE, answer: GATEWAY_ANSWERS.unsupportedMediaType, overrideStatus: true },
  { type: ResponseType.DEFAULT_4XX, answer: GATEWAY_ANSWERS.badRequest, overrideStatus: false },
  { type: ResponseType.DEFAULT_5XX, answer: GATEWAY_ANSWERS.internalError, overrideStatus: false },
];

/** Adds a JSON gateway response in the contract's envelope for every answer API Gateway gives itself. */
export function addJsonGatewayResponses(api: RestApiBase): void {
  for (const { type, answer, overrideStatus } of RULES) {
    const headers: Record<string, string> = { 'Content-Type': "'application/json'" };
    // The same headers as every function's answer, so a gateway answer is no less guarded.
    for (const [name, value] of Object.entries(BASE_HEADERS)) if (name !== 'Content-Type') headers[name] = `'${value}'`;
    if (answer.retryAfter !== undefined) headers['Retry-After'] = `'${answer.retryAfter}'`;
    api.addGatewayResponse(pascalCase(type.responseType), {
      type,
      statusCode: overrideStatus ? String(answer.statusCode) : undefined,
      responseHeaders: headers,
      templates: { 'application/json': gatewayAnswerBody(answer) },
    });
  }
}

/** `INVALID_API_KEY` -> `InvalidApiKey`, for construct ids. */
function pascalCase(screamingSnake: string): string {
  return screamingSnake
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
