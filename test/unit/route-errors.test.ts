import { ERROR_EXAMPLES, gatewayExample } from '../../lambdas/docs/api-examples';
import { buildOpenApiDocument, errorCatalogue } from '../../lambdas/docs/openapi.document';
import { ROUTE_ERRORS, type AnyRouteName } from '../../lambdas/docs/route-errors';
import { EDGE_ANSWERS, GATEWAY_ANSWERS } from '../../lambdas/gateway-responses';
import { PUBLIC_ROUTES, ROUTES } from '../../lambdas/routes';
import { ERROR_CODES, type ErrorCodeInfo } from '../../lambdas/shared/error-codes';

/**
 * Each route's error codes against where codes come from: the catalogue names the routes whose
 * handlers throw a code, the authorizer guards every keyed route, and the gateway and the
 * firewall answer any route. The end-to-end tier then checks every real answer against the
 * document built from these lists.
 */
describe('the error codes of each route', () => {
  const catalogue = errorCatalogue();
  const keyed = ROUTES.map((route) => route.name);
  const open = PUBLIC_ROUTES.map((route) => route.name);
  const listed = (route: AnyRouteName): readonly string[] => ROUTE_ERRORS[route];
  const keyCheck = [GATEWAY_ANSWERS.unauthorized, GATEWAY_ANSWERS.accessDenied, GATEWAY_ANSWERS.authorizerFailure].map((answer) => answer.code);
  const anyRoute = [GATEWAY_ANSWERS.throttled, GATEWAY_ANSWERS.badRequest, GATEWAY_ANSWERS.internalError, ...Object.values(EDGE_ANSWERS)].map((answer) => answer.code);

  it('name only codes of the catalogue, each once', () => {
    for (const route of [...keyed, ...open]) {
      for (const code of listed(route)) expect(catalogue[code]).toBeDefined();
      expect(new Set(listed(route)).size).toBe(listed(route).length);
    }
  });

  it.each(Object.entries(ERROR_CODES).filter(([, info]) => (info as ErrorCodeInfo).routes))(
    'list %s on exactly the routes whose handlers throw it',
    (code, info) => {
      const throwers = (info as ErrorCodeInfo).routes ?? [];
      for (const route of [...keyed, ...open]) expect(`${route}: ${String(listed(route).includes(code))}`).toBe(`${route}: ${String(throwers.includes(route as never))}`);
    },
  );

  it('list the key check\'s refusals and outage on every keyed route and on no documentation route', () => {
    for (const route of keyed) for (const code of keyCheck) expect(listed(route)).toContain(code);
    for (const route of open) for (const code of [...keyCheck, 'validation_failed']) expect(listed(route)).not.toContain(code);
  });

  it('list what the gateway and the firewall answer on any route, on every route', () => {
    for (const route of [...keyed, ...open]) for (const code of anyRoute) expect(listed(route)).toContain(code);
  });

  it('give the documentation routes nothing but the gateway\'s and the firewall\'s answers', () => {
    const answered = new Set<string>([...Object.values(GATEWAY_ANSWERS), ...Object.values(EDGE_ANSWERS)].map((answer) => answer.code));
    for (const route of open) for (const code of listed(route)) expect(answered.has(code)).toBe(true);
  });

  it('are each producible: the real code that refuses, or the gateway, gives an example answer', () => {
    for (const route of keyed) {
      for (const code of listed(route)) {
        const example = ERROR_EXAMPLES[code as keyof typeof ERROR_EXAMPLES]?.(route) ?? gatewayExample(code);
        expect(`${route} ${code}: ${String(example?.error)}`).toBe(`${route} ${code}: ${code}`);
      }
    }
  });

  describe('in the document', () => {
    const document = buildOpenApiDocument();
    const operations = [...ROUTES, ...PUBLIC_ROUTES].map((route) => ({ route: route.name, operation: document.paths[`/${route.path}`][route.method.toLowerCase()] }));

    it.each(operations.map((entry) => [entry.route, entry] as const))('%s lists exactly its codes', (_name, { route, operation }) => {
      const documented = Object.entries(operation.responses)
        .filter(([status]) => !status.startsWith('2'))
        .flatMap(([, response]) => JSON.stringify(response.content).match(/Error_[a-z_]+/g) ?? [])
        .map((ref) => ref.slice('Error_'.length));

      expect([...new Set(documented)].sort()).toEqual([...listed(route)].sort());
    });

    it('speaks of a lead\'s write only on the routes that write leads', () => {
      for (const { route, operation } of operations) {
        if (route === 'Ingest') continue;
        for (const [status, response] of Object.entries(operation.responses)) {
          if (status.startsWith('5')) expect(`${route} ${status}: ${response.description}`).not.toMatch(/lead may have been stored/);
        }
      }
    });
  });
});
