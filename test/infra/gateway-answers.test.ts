import type { Template } from 'aws-cdk-lib/assertions';
import { GATEWAY_ANSWERS } from '../../lambdas/gateway-responses';
import { PUBLIC_ROUTES, ROUTES } from '../../lambdas/routes';
import { synthStack } from './synth-stack';

type Resource = { Properties: Record<string, any> };

/** The API Gateway resource of a route path, by walking PathPart from the root. */
function resourceIdOf(template: Template, path: string): string {
  const resources = template.findResources('AWS::ApiGateway::Resource') as Record<string, Resource>;
  let parent: unknown = undefined;
  let id = '';
  for (const part of path.split('/')) {
    const found = Object.entries(resources).find(
      ([, resource]) => resource.Properties.PathPart === part && (parent === undefined ? 'Fn::GetAtt' in resource.Properties.ParentId : resource.Properties.ParentId.Ref === parent),
    );
    if (!found) throw new Error(`no resource for ${part} of ${path}`);
    [id] = found;
    parent = id;
  }
  return id;
}

describe('the answers API Gateway gives on its own', () => {
  const { template } = synthStack();
  const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as Resource[];
  const gatewayResponse = (type: string) =>
    (Object.values(template.findResources('AWS::ApiGateway::GatewayResponse', { Properties: { ResponseType: type } })) as Resource[])[0].Properties;

  describe('a route path called with another method', () => {
    const paths = [...new Set([...ROUTES, ...PUBLIC_ROUTES].map((route) => route.path))];

    it.each(paths)('answers /%s with an ANY method on a MOCK integration, outside the authorizer and the usage plan', (path) => {
      const onPath = methods.filter((method) => method.Properties.ResourceId.Ref === resourceIdOf(template, path));
      const any = onPath.filter((method) => method.Properties.HttpMethod === 'ANY');
      expect(any).toHaveLength(1);
      const properties = any[0].Properties;
      expect(properties).toMatchObject({ AuthorizationType: 'NONE', ApiKeyRequired: false, OperationName: 'MethodNotAllowed' });
      expect(properties.AuthorizerId).toBeUndefined();
      expect(properties.Integration).toMatchObject({ Type: 'MOCK', ContentHandling: 'CONVERT_TO_TEXT', PassthroughBehavior: 'WHEN_NO_MATCH' });
      // The route's own method stays: API Gateway takes it before ANY.
      const own = [...ROUTES, ...PUBLIC_ROUTES].filter((route) => route.path === path).map((route) => route.method);
      expect(onPath.map((method) => method.Properties.HttpMethod).sort()).toEqual(['ANY', ...own].sort());
    });

    it.each(paths)('sends 405, the Allow header of /%s and the method_not_allowed envelope', (path) => {
      const id = resourceIdOf(template, path);
      const { Integration, MethodResponses } = methods.find(
        (method) => method.Properties.ResourceId.Ref === id && method.Properties.HttpMethod === 'ANY',
      )!.Properties;
      const allow = [...ROUTES, ...PUBLIC_ROUTES].filter((route) => route.path === path).map((route) => route.method).sort().join(', ');
      const [response] = Integration.IntegrationResponses;
      expect(Integration.IntegrationResponses).toHaveLength(1);
      // The one response has no SelectionPattern: whatever the mock says, the answer is 405.
      expect(response.SelectionPattern).toBeUndefined();
      expect(response.StatusCode).toBe('405');
      expect(response.ResponseParameters).toMatchObject({
        'method.response.header.Allow': `'${allow}'`,
        'method.response.header.Content-Type': "'application/json; charset=utf-8'",
        'method.response.header.Cache-Control': "'no-store'",
      });
      expect(JSON.parse(response.ResponseTemplates['application/json'])).toEqual({
        error: 'method_not_allowed',
        message: GATEWAY_ANSWERS.methodNotAllowed.message,
      });
      expect(MethodResponses).toEqual([
        expect.objectContaining({ StatusCode: '405', ResponseParameters: expect.objectContaining({ 'method.response.header.Allow': true }) }),
      ]);
    });
  });

  describe('static answers', () => {
    it('answers every 401 with one message naming the x-api-key header and refusing Bearer tokens and keys in the URL', () => {
      for (const type of ['UNAUTHORIZED', 'INVALID_API_KEY']) {
        const body = JSON.parse(gatewayResponse(type).ResponseTemplates['application/json']);
        expect(body).toEqual({
          error: 'unauthorized',
          message:
            'Send your API key in the x-api-key header. The key is missing or not accepted; ' +
            'an Authorization: Bearer token and a key in the URL, query string or body are not accepted.',
        });
      }
    });

    it('answers an unknown path with a 404 naming every route, the same text the local runtime sends', () => {
      const body = JSON.parse(gatewayResponse('MISSING_AUTHENTICATION_TOKEN').ResponseTemplates['application/json']);
      expect(body.message).toBe(GATEWAY_ANSWERS.notFound.message);
      for (const route of [...ROUTES, ...PUBLIC_ROUTES]) expect(body.message).toContain(`${route.method} /${route.path}`);
    });

    it('states the body limit in bytes in the 413', () => {
      const body = JSON.parse(gatewayResponse('REQUEST_TOO_LARGE').ResponseTemplates['application/json']);
      expect(body.message).toBe('The request body is larger than 65536 bytes, the most this API takes.');
    });

    it('names both accepted media types in the 415', () => {
      const body = JSON.parse(gatewayResponse('UNSUPPORTED_MEDIA_TYPE').ResponseTemplates['application/json']);
      expect(body.message).toContain('Content-Type: application/json or application/x-www-form-urlencoded');
    });
  });
});
