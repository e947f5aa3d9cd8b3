/** Metric name of the requests each route answered, by `Route` and by `Route` and `Outcome`. */
export const ROUTE_REQUESTS_METRIC = 'Requests';

/** Metric name of each route's latency in milliseconds, with the same dimensions. */
export const ROUTE_LATENCY_METRIC = 'Latency';

/** The dimension naming the route (its name in the route table). */
export const ROUTE_DIMENSION = 'Route';

/** The dimension holding `ok` or the error code the caller received. */
export const OUTCOME_DIMENSION = 'Outcome';
