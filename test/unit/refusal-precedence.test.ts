import { firstRefusal, type CommitOutcome } from '../../lambdas/submissions/submission-store';

describe('refusal precedence', () => {
  const record = { bodyHash: 'h', result: {}, expiresAt: 1 };

  it('answers a replay before any other refusal of the same write', () => {
    const refusals: CommitOutcome[] = [{ status: 'duplicate', field: 'email' }, { status: 'cap_reached', kind: 'lead', used: 2 }, { status: 'replay', record }];

    expect(firstRefusal(refusals)).toEqual({ status: 'replay', record });
  });

  it('then a used ping, a full cap, a duplicate, and a lost race last', () => {
    const retry: CommitOutcome = { status: 'retry' };
    const duplicate: CommitOutcome = { status: 'duplicate', field: 'phone' };
    const cap: CommitOutcome = { status: 'cap_reached', kind: 'lead', used: 2 };

    expect(firstRefusal([retry, duplicate, cap, { status: 'ping_used' }])).toEqual({ status: 'ping_used' });
    expect(firstRefusal([retry, duplicate, cap])).toEqual(cap);
    expect(firstRefusal([retry, duplicate])).toEqual(duplicate);
    expect(firstRefusal([retry])).toEqual(retry);
  });
});
