import { expect } from 'chai';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { JournalError, type SyncJournal } from '../../lib';
import { openJournal } from '../../lib/journal/journal-session';

const memoryJournal = (rows: unknown[] = []): SyncJournal & { rows: unknown[] } => ({
  rows,
  load: async () => rows.map((r) => structuredClone(r)),
  append: async (record) => void rows.push(structuredClone(record)),
});
const identity = { groupId: 'grp_1', maxMembers: 2, maxBytes: 1000, startedAt: '2026-01-01T00:00:00.000Z' };

describe('openJournal', () => {
  it('writes the header into an empty journal and opens a new sync', async () => {
    const j = memoryJournal();
    const session = await firstValueFrom(openJournal(j, identity));
    expect(session.resumed).to.equal(false);
    expect(j.rows).to.deep.equal([{ type: 'header', version: 1, ...identity }]);
  });

  it('writes nothing until subscribed, and each record when its Observable is subscribed', async () => {
    const j = memoryJournal();
    const open$ = openJournal(j, identity);
    expect(j.rows).to.have.length(0);
    const session = await firstValueFrom(open$);
    const sending$ = session.sending({ seq: 0, idempotencyKey: 'k0', digest: '2:ab', size: 2 });
    expect(j.rows).to.have.length(1);
    await lastValueFrom(sending$, { defaultValue: undefined });
    await lastValueFrom(session.accepted({ seq: 0, requestId: 'grpmsr_0' }), { defaultValue: undefined });
    expect(j.rows.slice(1)).to.deep.equal([
      { type: 'sending', seq: 0, idempotencyKey: 'k0', digest: '2:ab', size: 2 },
      { type: 'accepted', seq: 0, requestId: 'grpmsr_0' },
    ]);
  });

  it('resumes a journal of this sync with its recorded header and state', async () => {
    const j = memoryJournal();
    const first = await firstValueFrom(openJournal(j, identity));
    await lastValueFrom(first.sending({ seq: 0, idempotencyKey: 'k0', digest: '2:ab', size: 2 }), { defaultValue: undefined });
    const again = await firstValueFrom(openJournal(j, { ...identity, startedAt: '2026-02-02T00:00:00.000Z' }));
    expect(again.resumed).to.equal(true);
    expect(again.header.startedAt).to.equal(identity.startedAt);
    expect(again.state.batches).to.have.length(1);
    expect(j.rows).to.have.length(2); // no second header
  });

  it('errors with a JournalError for a journal of another group, writing nothing', async () => {
    const j = memoryJournal([{ type: 'header', version: 1, ...identity, groupId: 'grp_other' }]);
    const error = await firstValueFrom(openJournal(j, identity)).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(JournalError);
    expect(j.rows).to.have.length(1);
  });

  it('turns a store that fails into a JournalError', async () => {
    const broken: SyncJournal = {
      load: () => Promise.reject(new Error('redis: connection refused')),
      append: () => Promise.resolve(),
    };
    const error = await firstValueFrom(openJournal(broken, identity)).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(JournalError).with.property('message').that.contains('connection refused');
  });

  it('turns a load() that gives anything but an array into a JournalError, writing nothing', async () => {
    for (const [given, words] of [
      [undefined, 'undefined'],
      [{}, 'an object'],
      ['[]', 'a string'],
    ] as const) {
      const appended: unknown[] = [];
      const odd: SyncJournal = {
        load: () => Promise.resolve(given as unknown as ReadonlyArray<unknown>),
        append: (record) => Promise.resolve(void appended.push(record)),
      };
      const error = await firstValueFrom(openJournal(odd, identity)).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(JournalError).with.property('message').that.contains(`load() gave ${words}, not an array`);
      expect(appended).to.deep.equal([]);
    }
  });
});
