import { expect } from 'chai';
import fc from 'fast-check';
import { isRight } from 'fp-ts/Either';
import { asapScheduler, lastValueFrom } from 'rxjs';
import { dryRun, type DryRunInvalid } from '../../lib/cli/dry-run';
import type { RosterRecord } from '../../lib/cli/roster/roster-record';
import { MemberInput } from '../../lib/codecs';
import { memberBytes } from '../../lib/internal/json-bytes';
import { ENVELOPE_BYTES } from '../../lib/internal/sync-batcher';
import type { DoneEvent } from '../../lib/pipelines/sync-events';
import { syncRoster } from '../../lib/pipelines/sync-roster';
import { makeInvalidMember, makeMember, rosterEntries } from '../helpers/roster';
import { createFakeServer } from '../pipelines/fake-client';

/** A parsed record on line `line`. */
const parsed = (index: number, line: number, value: unknown): RosterRecord => ({
  kind: 'member',
  index,
  line,
  value,
});

/** The records of a file, as a reader yields them; `pulled()` tells how many were asked for. */
const file = (records: ReadonlyArray<RosterRecord>) => {
  let pulled = 0;
  async function* read(): AsyncGenerator<RosterRecord> {
    for (const r of records) {
      pulled++;
      yield r;
    }
  }
  return { records: read(), pulled: () => pulled };
};

/** The UTF-8 size of `value` inside a request body, as the batcher measures it. */
const bytesOf = (value: unknown): number => {
  const decoded = MemberInput.decode(value);
  if (!isRight(decoded)) throw new Error('bytesOf: not a valid member');
  return memberBytes(decoded.right);
};

describe('dryRun', () => {
  it('counts every record read as valid or invalid, and lists each invalid one with its index, line and reference_id', async () => {
    const { records } = file([
      parsed(0, 2, makeMember(0)),
      parsed(1, 3, {
        ...makeMember(1),
        address: { ...(makeMember(1)['address'] as object), zipcode: '9410' },
      }),
      {
        kind: 'error',
        index: 2,
        line: 4,
        reason: 'line 4: expected 12 columns as in the header, got 3',
      },
      parsed(3, 6, makeMember(3)), // a quoted cell over two lines
      parsed(4, 7, 42),
      parsed(5, 8, { ...makeMember(5), reference_id: '   ', first_name: '' }),
    ]);
    const report = await dryRun('grp_1', records);
    expect(report).to.include({ dryRun: true, groupId: 'grp_1', read: 6, valid: 2, invalid: 4 });
    expect(report.failures.map((f) => [f.index, f.stage, f.reference_id])).to.deep.equal([
      [1, 'validation', 'EMP-000001'],
      [2, 'validation', undefined],
      [4, 'validation', undefined],
      [5, 'validation', undefined],
    ]);
    // a member's reason starts with its line; an unparseable record's reason is the reader's own
    expect(report.failures[0]!.reason).to.match(/^line 3: address\.zipcode: /);
    expect(report.failures[1]!.reason).to.equal(
      'line 4: expected 12 columns as in the header, got 3',
    );
    expect(report.failures[2]!.reason).to.match(/^line 7: /);
    expect(report.failures[3]!.reason)
      .to.match(/^line 8: /)
      .and.contain('reference_id')
      .and.contain('first_name');
    for (const f of report.failures) expect(f).not.to.have.property('reference_id', undefined);
  });

  it('tells onInvalid about each invalid record as soon as it is read, before reading the next', async () => {
    const source = file([
      parsed(0, 2, makeMember(0)),
      parsed(1, 3, makeInvalidMember(2)), // bad phone
      { kind: 'error', index: 2, line: 5, reason: 'line 5: not valid JSON' },
      parsed(3, 6, makeMember(3)),
    ]);
    const seen: Array<{ readonly event: DryRunInvalid; readonly pulled: number }> = [];
    const report = await dryRun('grp_1', source.records, {
      onInvalid: (event) => seen.push({ event, pulled: source.pulled() }),
    });
    expect(seen.map((s) => s.pulled)).to.deep.equal([2, 3]);
    expect(seen[0]!.event).to.deep.include({
      type: 'invalid',
      index: 1,
      line: 3,
      reference_id: 'BAD-000002',
    });
    expect(seen[0]!.event.issues).to.deep.include({
      path: 'phone',
      message: 'must be a 10-digit US phone number',
    });
    expect(seen[1]!.event).to.deep.equal({
      type: 'invalid',
      index: 2,
      line: 5,
      issues: [{ path: '', message: 'line 5: not valid JSON' }],
    });
    expect(report.invalid).to.equal(seen.length);
  });

  it('takes a reference_id for the first valid member that has it: later ones are invalid, an earlier invalid one blocks nothing', async () => {
    const { records } = file([
      parsed(0, 2, { ...makeMember(1), first_name: '' }), // invalid EMP-000001
      parsed(1, 3, makeMember(1)), // valid EMP-000001
      parsed(2, 4, makeMember(2)),
      parsed(3, 5, { ...makeMember(3), reference_id: 'EMP-000001' }), // repeat
    ]);
    const report = await dryRun('grp_1', records);
    expect(report).to.include({ read: 4, valid: 2, invalid: 2 });
    expect(report.failures.map((f) => [f.index, f.reference_id])).to.deep.equal([
      [0, 'EMP-000001'],
      [3, 'EMP-000001'],
    ]);
    expect(report.failures[1]!.reason).to.equal(
      'line 5: reference_id: repeats "EMP-000001" of an earlier member of this roster; it is sent once',
    );
  });

  it('rejects a member too large for a batch of its own: up to maxBytes passes, a byte over does not, and it takes no reference_id', async () => {
    const big = { ...makeMember(7), last_name: 'x'.repeat(200) };
    const small = makeMember(7);
    const maxBytes = ENVELOPE_BYTES + bytesOf(big);
    const fits = await dryRun('grp_1', file([parsed(0, 2, big)]).records, { maxBytes });
    expect(fits).to.include({ valid: 1, invalid: 0 });

    const over = await dryRun('grp_1', file([parsed(0, 2, big), parsed(1, 3, small)]).records, {
      maxBytes: maxBytes - 1,
    });
    expect(over).to.include({ read: 2, valid: 1, invalid: 1 });
    expect(over.failures).to.deep.equal([
      {
        reference_id: 'EMP-000007',
        index: 0,
        stage: 'validation',
        reason: `line 2: is ${maxBytes} bytes as a batch of its own, over maxBytes ${maxBytes - 1}`,
      },
    ]);
  });

  it('reports a member that cannot be read (a throwing getter) as invalid, as syncRoster does, and goes on', async () => {
    const unreadable = Object.defineProperty({ ...makeMember(1) }, 'first_name', {
      enumerable: true,
      get: () => {
        throw new Error('gone');
      },
    });
    const report = await dryRun('grp_1', file([parsed(0, 2, unreadable), parsed(1, 3, makeMember(2))]).records);
    expect(report).to.include({ read: 2, valid: 1, invalid: 1 });
    expect(report.failures).to.have.length(1);
    expect(report.failures[0]).to.include({ index: 0, stage: 'validation' });
    expect(report.failures[0]!.reason).to.match(/^line 2: .*gone/);
  });

  it('defaults maxBytes to 1,000,000 bytes, the largest request body', async () => {
    const sized = (n: number) => ({ ...makeMember(1), last_name: 'x'.repeat(n) });
    const base = ENVELOPE_BYTES + bytesOf(sized(1)) - 1; // the body's bytes but the name's
    const report = await dryRun(
      'grp_1',
      file([parsed(0, 2, sized(1_000_000 - base)), parsed(1, 3, sized(1_000_001 - base))]).records,
    );
    expect(report.failures.map((f) => [f.index, f.reason])).to.deep.equal([
      [1, 'line 3: is 1000001 bytes as a batch of its own, over maxBytes 1000000'],
    ]);
  });

  it('rejects exactly the members syncRoster rejects before sending, with the same reasons, and passes the ones it sends', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          size: fc.integer({ min: 0, max: 60 }),
          maxBytes: fc.integer({ min: 260, max: 340 }), // members are about 256 to 323 bytes in a body
        }),
        async ({ seed, size, maxBytes }) => {
          const entries = [...rosterEntries({ size, seed, invalidRate: 0.2, repeatRate: 0.15 })];
          const records = entries.map((e) => parsed(e.index, e.index + 2, e.member));
          const dry = await dryRun('grp_1', file(records).records, { maxBytes });

          const server = createFakeServer();
          const done = (await lastValueFrom(
            syncRoster(
              server.client,
              'grp_1',
              entries.map((e) => e.member),
              { maxBytes, poll: { initialDelayMs: 0, maxDelayMs: 0, scheduler: asapScheduler } },
            ),
          )) as DoneEvent;
          const rejected = done.report.failures
            .filter((f) => f.stage === 'validation')
            .map((f) => ({ ...f, reason: `line ${f.index! + 2}: ${f.reason}` }));
          expect(dry.failures).to.deep.equal(rejected);
          expect(dry.valid).to.equal(server.membersAccepted);
          expect(dry.read).to.equal(done.report.read);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('stamps the report with the group, the start time and the duration on the injected clock', async () => {
    const ticks = [Date.UTC(2026, 0, 15, 10, 30), Date.UTC(2026, 0, 15, 10, 30) + 750];
    const report = await dryRun('grp_9', file([]).records, { now: () => ticks.shift()! });
    expect(report).to.deep.equal({
      dryRun: true,
      groupId: 'grp_9',
      read: 0,
      valid: 0,
      invalid: 0,
      failed: 0,
      synced: 0,
      added: 0,
      removed: 0,
      requestIds: [],
      failures: [],
      startedAt: '2026-01-15T10:30:00.000Z',
      durationMs: 750,
    });
  });

  it("rejects with the reader's own error when reading fails part-way, after telling about the invalid records before it", async () => {
    const failure = new Error('EIO: i/o error, read');
    async function* failing(): AsyncGenerator<RosterRecord> {
      yield parsed(0, 2, makeMember(0));
      yield parsed(1, 3, 'not a member');
      throw failure;
    }
    const told: number[] = [];
    let caught: unknown;
    await dryRun('grp_1', failing(), { onInvalid: (e) => told.push(e.index) }).catch(
      (e: unknown) => (caught = e),
    );
    expect(caught).to.equal(failure);
    expect(told).to.deep.equal([1]);
  });
});
