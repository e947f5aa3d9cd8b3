/**
 * Reads a synthesized template for every CloudWatch metric its alarms and its dashboard use, so
 * that tests can check each one against where the metric really comes from.
 */

/** A value in a template: a string, or an intrinsic such as `{ Ref: ... }`. */
export type TemplateValue = unknown;

/** One metric an alarm or a widget reads. */
export interface MetricUse {
  /** Where it is used, for failure messages: `alarm <logical id>` or `widget "<title>"`. */
  readonly usedBy: string;
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension name to value. */
  readonly dimensions: Readonly<Record<string, TemplateValue>>;
  /**
   * True for a SEARCH expression's schema (`{namespace,dim,...}`): it names the exact dimension
   * set, and `dimensions` holds only the values it pins.
   */
  readonly search?: boolean;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

/** Every metric the template's alarms read, directly or in their math expressions. */
export function alarmMetricUses(resources: Resources): MetricUse[] {
  const uses: MetricUse[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::CloudWatch::Alarm') continue;
    const properties = resource.Properties ?? {};
    const usedBy = `alarm ${id}`;
    if (properties.MetricName !== undefined) {
      uses.push({ usedBy, namespace: properties.Namespace, metricName: properties.MetricName, dimensions: dimensionMap(properties.Dimensions) });
    }
    for (const query of (properties.Metrics ?? []) as any[]) {
      if (query.MetricStat) {
        const metric = query.MetricStat.Metric;
        uses.push({ usedBy, namespace: metric.Namespace, metricName: metric.MetricName, dimensions: dimensionMap(metric.Dimensions) });
      } else if (typeof query.Expression === 'string') {
        uses.push(...searchUses(query.Expression, usedBy));
      }
    }
  }
  return uses;
}

/** Every metric the template's dashboards graph, including the SEARCH expressions. */
export function dashboardMetricUses(resources: Resources): MetricUse[] {
  const uses: MetricUse[] = [];
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::CloudWatch::Dashboard') continue;
    const body = dashboardBody(resource.Properties?.DashboardBody);
    for (const widget of body.widgets as any[]) {
      const metrics = widget.properties?.metrics as any[] | undefined;
      if (!metrics) continue;
      const usedBy = `widget "${widget.properties.title}"`;
      for (const entry of metrics) {
        const options = entry[entry.length - 1];
        const fields = typeof options === 'object' && !Array.isArray(options) ? entry.slice(0, -1) : entry;
        if (fields.length === 0) {
          if (typeof options.expression === 'string') uses.push(...searchUses(options.expression, usedBy));
          continue;
        }
        // Rendered in full (CDK writes no "..." shorthand): namespace, name, then name/value pairs.
        if (fields.includes('.') || fields.includes('...')) throw new Error(`${usedBy}: shorthand metric entries are not read`);
        const [namespace, metricName, ...pairs] = fields;
        const dimensions: Record<string, TemplateValue> = {};
        for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i]] = pairs[i + 1];
        uses.push({ usedBy, namespace, metricName, dimensions });
      }
    }
  }
  return uses;
}

/**
 * The dashboard body is a `Fn::Join` of JSON text and intrinsics (inside JSON strings); each
 * intrinsic comes back as itself in the parsed body.
 */
export function dashboardBody(body: TemplateValue): Record<string, any> {
  const parts: unknown[] = typeof body === 'string' ? [body] : (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const tokens: unknown[] = [];
  const text = parts.map((part) => (typeof part === 'string' ? part : `@@TOKEN${tokens.push(part) - 1}@@`)).join('');
  return JSON.parse(text, (_key, value) => {
    if (typeof value !== 'string') return value;
    const whole = /^@@TOKEN(\d+)@@$/.exec(value);
    if (whole) return tokens[Number(whole[1])];
    if (value.includes('@@TOKEN')) throw new Error(`an intrinsic inside a longer string is not read: ${value}`);
    return value;
  });
}

/** `SEARCH('{ns,DimA,DimB} DimA="x" MetricName="Requests"', 'Sum', 60)` as a metric use. */
function searchUses(expression: string, usedBy: string): MetricUse[] {
  if (!expression.includes('SEARCH(')) return [];
  const match = /SEARCH\('\{([^}]*)\}([^']*)'/.exec(expression);
  if (!match) throw new Error(`${usedBy}: unreadable SEARCH expression ${expression}`);
  const [namespace, ...dimensionNames] = match[1].split(',').map((part) => part.trim());
  const terms = Object.fromEntries([...match[2].matchAll(/(\w+)="([^"]*)"/g)].map((term) => [term[1], term[2]]));
  const { MetricName: metricName, ...pinned } = terms;
  if (!metricName) throw new Error(`${usedBy}: a SEARCH should name its MetricName: ${expression}`);
  const dimensions: Record<string, TemplateValue> = {};
  for (const name of dimensionNames) dimensions[name] = pinned[name];
  for (const name of Object.keys(pinned)) {
    if (!dimensionNames.includes(name)) throw new Error(`${usedBy}: SEARCH pins ${name}, which is not in its schema`);
  }
  return [{ usedBy, namespace, metricName, dimensions, search: true }];
}

function dimensionMap(dimensions: { Name: string; Value: TemplateValue }[] | undefined): Record<string, TemplateValue> {
  return Object.fromEntries((dimensions ?? []).map((dimension) => [dimension.Name, dimension.Value]));
}
