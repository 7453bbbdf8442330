import { expect } from 'chai';
import { EMPTY } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ValidationError } from '../../lib/errors';
import { resolveSyncOptions } from '../../lib/pipelines/resolve-sync-options';
import type { VitableConnect } from '../../lib/types';

// resolveSyncOptions reads only client.members.sync.submit and .retrieve
const client = {
  members: { sync: { submit: () => EMPTY, retrieve: () => EMPTY } },
} as unknown as VitableConnect;

const issuesOf = (f: () => unknown): ReadonlyArray<{ path: string; message: string }> => {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(ValidationError);
    return (e as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
};

describe('resolveSyncOptions', () => {
  it('defaults: batches of 1000 members and 1 000 000 bytes, failFast off, no journal, the clock of the scheduler', () => {
    const scheduler = new TestScheduler(() => undefined);
    const s = resolveSyncOptions(client, 'grp_1', [], { scheduler });
    expect(s).to.deep.include({
      groupId: 'grp_1',
      maxMembers: 1000,
      maxBytes: 1_000_000,
      failFast: false,
      journal: undefined,
    });
    expect(s.scheduler).to.equal(scheduler);
    expect(s.now()).to.equal(scheduler.now());
    expect(s.newIdempotencyKey()).to.match(/^[0-9a-f-]{36}$/);
  });

  it('keeps what is given: the batch limits, failFast, the clock, the key maker and the journal', () => {
    const journal = { load: async () => [], append: async () => undefined };
    const s = resolveSyncOptions(client, 'grp_1', [], {
      maxMembers: 10,
      maxBytes: 5000,
      failFast: true,
      now: () => 42,
      newIdempotencyKey: () => 'k',
      journal,
      concurrency: 3,
    });
    expect(s).to.deep.include({ maxMembers: 10, maxBytes: 5000, failFast: true, journal });
    expect([s.now(), s.newIdempotencyKey()]).to.deep.equal([42, 'k']);
  });

  it('lists every bad argument and option in one ValidationError, with its path', () => {
    const issues = issuesOf(() =>
      resolveSyncOptions({} as VitableConnect, ' ', 42, {
        maxMembers: 0,
        concurrency: 1.5,
        failFast: 'yes',
        scheduler: {},
        now: 1,
        random: 'r',
        journal: { load: () => [] },
        newIdempotencyKey: 'k',
      }),
    );
    expect(issues.map((i) => i.path)).to.deep.equal([
      'client',
      'maxMembers',
      'concurrency',
      'failFast',
      'groupId',
      'scheduler',
      'now',
      'random',
      'journal',
      'newIdempotencyKey',
      // the scheduler and random that polling inherits are named there too
      'poll.random',
      'poll.scheduler',
      'members',
    ]);
    expect(issues.find((i) => i.path === 'members')!.message).to.equal(
      'must be an Observable, an Iterable or an AsyncIterable',
    );
  });

  it('prefixes the poll options issues with poll., and reads a hostile members value as an issue', () => {
    const issues = issuesOf(() =>
      resolveSyncOptions(client, 'grp_1', [], { poll: { initialDelayMs: -1 } }),
    );
    expect(issues.length).to.be.above(0);
    expect(issues.every((i) => i.path.startsWith('poll'))).to.equal(true);
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
      },
    );
    expect(issuesOf(() => resolveSyncOptions(client, 'grp_1', hostile, {}))).to.deep.equal([
      { path: 'members', message: 'could not be read: trap' },
    ]);
  });
});
