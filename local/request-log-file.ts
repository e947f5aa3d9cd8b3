import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { REQUEST_LINE_MESSAGE } from '../lambdas/shared/request-outcome';

/** The request log's file in the data directory; older ones are `requests.jsonl.1` (newest) to `.N`. */
export const REQUEST_LOG_FILE = 'requests.jsonl';

export interface RequestLogLimits {
  /** A file is rotated before it grows past this. @default 64 MiB */
  readonly maxBytes: number;
  /** Rotated files kept beside the current one; the oldest is deleted. @default 4 */
  readonly keptFiles: number;
}

export const DEFAULT_REQUEST_LOG_LIMITS: RequestLogLimits = { maxBytes: 64 * 1024 * 1024, keptFiles: 4 };

/** The files of a data directory's request log, oldest first, those that exist. */
export function requestLogFiles(dataDir: string, keptFiles = DEFAULT_REQUEST_LOG_LIMITS.keptFiles): string[] {
  const rotated = Array.from({ length: keptFiles }, (_, index) => join(dataDir, `${REQUEST_LOG_FILE}.${keptFiles - index}`));
  return [...rotated, join(dataDir, REQUEST_LOG_FILE)].filter((file) => existsSync(file));
}

/**
 * The local runtime's request log: every request line (`message: request`) appended to
 * `requests.jsonl` in the data directory, mode 0600 like the rest of it, rotated by size so it
 * never fills the disk. `leadctl report` reads it. Lines are written whole with one `write`, so
 * a reader never sees half a line except at the very end of a file being written.
 */
export class RequestLogFile {
  private fd: number;
  private size: number;

  constructor(
    private readonly dataDir: string,
    private readonly limits: RequestLogLimits = DEFAULT_REQUEST_LOG_LIMITS,
  ) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.fd = this.open();
    this.size = fstatSync(this.fd).size;
  }

  /** Appends the line if it is a request line; other log lines are not the report's. */
  append(line: string): void {
    if (!isRequestLine(line)) return;
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    if (this.size > 0 && this.size + bytes.length > this.limits.maxBytes) this.rotate();
    writeSync(this.fd, bytes);
    this.size += bytes.length;
  }

  close(): void {
    closeSync(this.fd);
  }

  private open(): number {
    return openSync(join(this.dataDir, REQUEST_LOG_FILE), 'a', 0o600);
  }

  private rotate(): void {
    closeSync(this.fd);
    const file = (index: number) => join(this.dataDir, index === 0 ? REQUEST_LOG_FILE : `${REQUEST_LOG_FILE}.${index}`);
    rmSync(file(this.limits.keptFiles), { force: true });
    for (let index = this.limits.keptFiles - 1; index >= 0; index -= 1) {
      if (existsSync(file(index))) renameSync(file(index), file(index + 1));
    }
    this.fd = this.open();
    this.size = 0;
  }
}

/** Cheap test on the text (every line is JSON with `message` right after `level`). */
function isRequestLine(line: string): boolean {
  return line.includes(`"message":"${REQUEST_LINE_MESSAGE}"`);
}
