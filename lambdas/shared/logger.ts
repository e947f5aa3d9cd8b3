/**
 * Structured JSON logs, one object a line, so CloudWatch Logs Insights can query them.
 * Callers pass identifiers (supplier id, key id), never a key or a lead's personal data.
 */
/** The levels of `LOG_LEVEL`, quietest last: the functions' config and the stack settings accept these. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /**
   * A line that carries metrics (embedded metric format) or a request's accounting record:
   * written at every level but `silent`, so that raising `LOG_LEVEL` to warn never silently
   * empties the dashboards, the alarms or the supplier report.
   */
  metric(message: string, fields?: Record<string, unknown>): void;
}

/**
 * `record`, when given, also receives every metric and request line whatever the level, even
 * `silent` (the local runtime keeps request lines in its data directory for `leadctl report`).
 */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  record?: (line: string) => void,
): Logger {
  const log = (at: Exclude<LogLevel, 'silent'>) => (message: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[at] < ORDER[level]) return;
    write(JSON.stringify({ level: at, message, time: new Date().toISOString(), ...fields }));
  };
  const metric = (message: string, fields: Record<string, unknown> = {}) => {
    if (level === 'silent' && record === undefined) return;
    const line = JSON.stringify({ level: 'info', message, time: new Date().toISOString(), ...fields });
    if (level !== 'silent') write(line);
    record?.(line);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), metric };
}

const SAFE_TOKEN = /^[A-Za-z0-9_.:$-]{1,100}$/;

/**
 * Error details safe to log: the error's name and code, the HTTP status an AWS SDK error
 * carries, and the stack frames. Never the message: library messages quote the values they
 * choke on (lib-dynamodb: `Number 12345678901234568 is greater than ...`), and a lead's values
 * must not reach a log. Causes are described the same way.
 */
export function describeError(error: unknown, depth = 0): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return { errorName: typeof error };
  const details = error as { name?: unknown; message?: unknown; code?: unknown; $fault?: unknown; $metadata?: { httpStatusCode?: unknown }; stack?: unknown; cause?: unknown };
  const safe = (value: unknown) => (typeof value === 'string' && SAFE_TOKEN.test(value) ? value : undefined);
  const status = details.$metadata?.httpStatusCode;
  return {
    errorName: safe(details.name) ?? (error instanceof Error ? 'Error' : 'object'),
    ...(safe(details.code) ? { errorCode: details.code } : {}),
    ...(safe(details.$fault) ? { fault: details.$fault } : {}),
    ...(typeof status === 'number' ? { httpStatusCode: status } : {}),
    ...(typeof details.stack === 'string' ? { stack: stackFrames(details.stack, details.message) } : {}),
    ...(details.cause !== undefined && depth < 3 ? { cause: describeError(details.cause, depth + 1) } : {}),
  };
}

/** The `at ...` lines of a stack, without the first line(s) that repeat the message. */
function stackFrames(stack: string, message: unknown): string {
  const withoutMessage = typeof message === 'string' && message !== '' ? stack.replace(message, '') : stack;
  return withoutMessage
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}
