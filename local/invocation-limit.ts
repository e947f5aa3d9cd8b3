/** How many function invocations the local runtime runs at once, and how long the rest may wait. */
export interface InvocationLimitOptions {
  /** Invocations running at once. */
  readonly concurrency: number;
  /** Invocations waiting for a slot; one more is refused at once. */
  readonly maxQueued: number;
  /** How long an invocation may wait for a slot before it is refused. */
  readonly maxWaitMs: number;
}

/** What became of an invocation: its result, or why it got no slot. */
export type Invocation<T> = { readonly ran: true; readonly value: T } | { readonly ran: false; readonly reason: 'queue_full' | 'waited_too_long' };

/**
 * Bounds how many handler invocations run at once. On AWS each concurrent request gets its own
 * Lambda instance and the table absorbs the load; locally every request would otherwise run at
 * once against one DynamoDB Local on a few cores, which then answers too slowly for the
 * functions' DynamoDB timeouts. The rest wait in order, in a queue bounded in length and in
 * time, so a burst is spread out rather than refused, and an overload is refused early.
 */
export class InvocationLimit {
  private active = 0;
  private readonly waiting: { admit: (admitted: boolean) => void; timer: NodeJS.Timeout }[] = [];

  constructor(private readonly options: InvocationLimitOptions) {
    if (!(options.concurrency >= 1)) throw new Error('concurrency must be at least 1');
  }

  async run<T>(invoke: () => Promise<T>): Promise<Invocation<T>> {
    const admitted = await this.acquire();
    if (admitted !== true) return { ran: false, reason: admitted };
    try {
      return { ran: true, value: await invoke() };
    } finally {
      this.release();
    }
  }

  /** Invocations running and waiting now. */
  load(): { readonly running: number; readonly waiting: number } {
    return { running: this.active, waiting: this.waiting.length };
  }

  private acquire(): Promise<true | 'queue_full' | 'waited_too_long'> {
    if (this.active < this.options.concurrency) {
      this.active += 1;
      return Promise.resolve(true);
    }
    if (this.waiting.length >= this.options.maxQueued) return Promise.resolve('queue_full');
    return new Promise((resolve) => {
      const entry = {
        admit: (admitted: boolean) => resolve(admitted ? true : 'waited_too_long'),
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(entry), 1);
          entry.admit(false);
        }, this.options.maxWaitMs),
      };
      this.waiting.push(entry);
    });
  }

  /** The slot passes to the first waiting invocation, if any. */
  private release(): void {
    const next = this.waiting.shift();
    if (!next) {
      this.active -= 1;
      return;
    }
    clearTimeout(next.timer);
    next.admit(true);
  }
}
