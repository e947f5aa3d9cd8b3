import {
  AuthorizationType,
  ContentHandling,
  MockIntegration,
  PassthroughBehavior,
  type IResource,
  type Method,
} from 'aws-cdk-lib/aws-apigateway';
import { allowHeader, GATEWAY_ANSWERS, gatewayAnswerBody } from '../../lambdas/gateway-responses';
import { BASE_HEADERS } from '../../lambdas/shared/http';
import { acknowledgeMethodNotAllowed } from '../nag-acknowledgments';

/** Where the 405 goes: one route path of the API and the methods its routes take. */
export interface RoutePath {
  readonly path: string;
  readonly method: string;
}

/**
 * Adds an `ANY` method to each route's resource that answers 405 `method_not_allowed` with an
 * `Allow` header, as the local runtime does. API Gateway takes a method declared on a resource
 * before its `ANY`, so the routes' own methods are untouched; without it another method on a
 * route's path gets the gateway's 403 "Missing Authentication Token" (our 404). A MOCK
 * integration answers inside API Gateway: no function, no authorizer run, no usage-plan count.
 */
export function addMethodNotAllowed(root: IResource, routes: readonly RoutePath[]): Method[] {
  const paths = [...new Set(routes.map((route) => route.path))];
  return paths.map((path) => {
    const allow = allowHeader(routes.filter((route) => route.path === path));
    const headers: Record<string, string> = { Allow: allow, ...BASE_HEADERS };
    const integration = new MockIntegration({
      // The API's binary media type is */*, so every body arrives as bytes; a MOCK integration
      // cannot map bytes and would answer 500 unless they are converted to text first.
      contentHandling: ContentHandling.CONVERT_TO_TEXT,
      // Any other Content-Type passes through; the one (default) integration response still
      // answers 405, whatever the mock's status.
      passthroughBehavior: PassthroughBehavior.WHEN_NO_MATCH,
      requestTemplates: { 'application/json': '{"statusCode": 405}' },
      integrationResponses: [
        {
          statusCode: '405',
          responseParameters: Object.fromEntries(
            Object.entries(headers).map(([name, value]) => [`method.response.header.${name}`, `'${value}'`]),
          ),
          responseTemplates: { 'application/json': gatewayAnswerBody(GATEWAY_ANSWERS.methodNotAllowed) },
        },
      ],
    });
    const method = root.resourceForPath(path).addMethod('ANY', integration, {
      operationName: 'MethodNotAllowed',
      authorizationType: AuthorizationType.NONE,
      apiKeyRequired: false,
      methodResponses: [
        {
          statusCode: '405',
          responseParameters: Object.fromEntries(Object.keys(headers).map((name) => [`method.response.header.${name}`, true])),
        },
      ],
    });
    acknowledgeMethodNotAllowed(method);
    return method;
  });
}
