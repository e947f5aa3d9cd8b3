import { ROUTES } from '../lambdas/routes';

/** Names of the stack's API functions: the authorizer, one per route, and the docs function. */
export const FUNCTION_NAMES: readonly string[] = ['Authorizer', ...ROUTES.map((route) => route.name), 'Docs'];

/**
 * The module (under lambdas/, as the route table's entries) of the one function outside the
 * API: the publisher of the table stream's new leads as events (see `LeadEvents`).
 */
export const LEAD_EVENTS_ENTRY = 'events/lead-events.handler.ts';
