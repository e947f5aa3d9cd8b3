import { existsSync } from 'node:fs';
import { AUTHORIZER_ENTRY, PUBLIC_ROUTES, ROUTES, entryPath } from '../../lambdas/routes';
import { routeHandlerFactory } from '../../local/local-app';

/**
 * The route table is the one registry: the stack bundles each route's function from the module
 * its `entry` names (`entryPath`, the `handler` export), and the local runtime builds the route's
 * handler from the same module (`createHandler`). The stack's side (one method per route on its
 * function) is asserted in the infra tests.
 */
describe('the route table as the one registry', () => {
  it.each(ROUTES.map((route) => [route.name, route] as const))('%s: its module exports the Lambda handler and the local factory', (_name, route) => {
    const module = require(entryPath(route.entry));

    expect(existsSync(entryPath(route.entry))).toBe(true);
    expect(typeof module.handler).toBe('function');
    expect(routeHandlerFactory(route)).toBe(module.createHandler);
  });

  it.each(PUBLIC_ROUTES.map((route) => [route.name, route] as const))('%s (no key): its module exports the Lambda handler and the local factory', (_name, route) => {
    const module = require(entryPath(route.entry));

    expect(typeof module.handler).toBe('function');
    expect(routeHandlerFactory(route)).toBe(module.createHandler);
  });

  it('names every route once, and the authorizer beside them', () => {
    const keys = [...ROUTES, ...PUBLIC_ROUTES].map((route) => `${route.method} /${route.path}`);

    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(ROUTES.map((route) => route.name)).size).toBe(ROUTES.length);
    expect(typeof require(entryPath(AUTHORIZER_ENTRY)).handler).toBe('function');
  });

  it('a module without the factory is refused by the local runtime', () => {
    expect(() => routeHandlerFactory({ ...ROUTES[0], entry: 'routes.ts' })).toThrow(/does not export createHandler/);
  });
});
