import { InvocationLimit } from '../../local/invocation-limit';

/** An invocation the test finishes when it wants. */
function controlled() {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { done, finish: () => finish() };
}

describe('InvocationLimit', () => {
  it('runs at most `concurrency` at once and the rest in order as slots free', async () => {
    const limit = new InvocationLimit({ concurrency: 2, maxQueued: 10, maxWaitMs: 10_000 });
    const started: number[] = [];
    const gates = Array.from({ length: 5 }, () => controlled());
    const runs = gates.map((gate, index) =>
      limit.run(async () => {
        started.push(index);
        await gate.done;
        return index;
      }),
    );
    await Promise.resolve();
    const firstLoad = limit.load();
    const startedFirst = [...started];
    gates[1].finish();
    await runs[1];
    const startedAfterOne = [...started];
    for (const gate of gates) gate.finish();
    const results = await Promise.all(runs);

    expect(firstLoad).toEqual({ running: 2, waiting: 3 });
    expect(startedFirst).toEqual([0, 1]);
    expect(startedAfterOne).toEqual([0, 1, 2]);
    expect(results).toEqual([0, 1, 2, 3, 4].map((value) => ({ ran: true, value })));
    expect(limit.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses at once when the queue is full, and after maxWaitMs in it, without running either', async () => {
    const limit = new InvocationLimit({ concurrency: 1, maxQueued: 1, maxWaitMs: 50 });
    const gate = controlled();
    let calls = 0;
    const invoke = async () => {
      calls += 1;
      await gate.done;
    };
    const running = limit.run(invoke);
    const queued = limit.run(invoke);
    const overflow = await limit.run(invoke);
    const timedOut = await queued;
    gate.finish();
    await running;

    expect(overflow).toEqual({ ran: false, reason: 'queue_full' });
    expect(timedOut).toEqual({ ran: false, reason: 'waited_too_long' });
    expect(calls).toBe(1);
    expect(limit.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when an invocation throws', async () => {
    const limit = new InvocationLimit({ concurrency: 1, maxQueued: 5, maxWaitMs: 10_000 });
    const failed = limit.run(async () => {
      throw new Error('boom');
    });
    const next = limit.run(async () => 'next');

    await expect(failed).rejects.toThrow('boom');
    expect(await next).toEqual({ ran: true, value: 'next' });
  });
});
