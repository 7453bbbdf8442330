import { expect } from 'chai';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import {
  AcceptedRecord,
  BatchRecord,
  CompletedRecord,
  FailedRecord,
  JOURNAL_VERSION,
  JournalHeader,
  JournalRecord,
  SendingRecord,
} from '../../lib/journal/journal-records';

const count = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const text = fc.string({ minLength: 1 });

const header = fc.record({
  type: fc.constant('header' as const),
  version: fc.constant(JOURNAL_VERSION),
  groupId: text,
  maxMembers: count,
  maxBytes: count,
  startedAt: fc.string(),
});
const sending = fc.record({
  type: fc.constant('sending' as const),
  seq: count,
  idempotencyKey: text,
  digest: text,
  size: count,
});
const accepted = fc.record({ type: fc.constant('accepted' as const), seq: count, requestId: text });
const completed = fc.record({
  type: fc.constant('completed' as const),
  seq: count,
  requestId: text,
  synced: count,
  added: count,
  removed: count,
  failures: fc.array(
    fc.record({
      index: count,
      reference_id: fc.string(),
      operation: fc.constantFrom('add' as const, 'remove' as const),
      reason: fc.string(),
    }),
    { maxLength: 3 },
  ),
});
const failed = fc.record(
  {
    type: fc.constant('failed' as const),
    seq: count,
    reason: fc.string(),
    mayHaveApplied: fc.boolean(),
    requestId: text,
  },
  { requiredKeys: ['type', 'seq', 'reason', 'mayHaveApplied'] },
);
const anyRecord = fc.oneof(header, sending, accepted, completed, failed);

describe('journal records', () => {
  it('JournalRecord decodes every well-formed record to itself, surviving a JSON round trip', () => {
    fc.assert(
      fc.property(anyRecord, (record) => {
        expect(JournalRecord.decode(JSON.parse(JSON.stringify(record)))).to.deep.equal(
          E.right(record),
        );
      }),
    );
  });

  it('BatchRecord takes every record but the header', () => {
    fc.assert(
      fc.property(fc.oneof(sending, accepted, completed, failed), header, (batch, h) => {
        expect(E.isRight(BatchRecord.decode(batch))).to.equal(true);
        expect(E.isLeft(BatchRecord.decode(h))).to.equal(true);
      }),
    );
  });

  it('JournalHeader accepts only the current version', () => {
    fc.assert(
      fc.property(
        header,
        fc.integer().filter((v) => v !== JOURNAL_VERSION),
        (h, version) => {
          expect(E.isLeft(JournalHeader.decode({ ...h, version }))).to.equal(true);
        },
      ),
    );
    expect(JOURNAL_VERSION).to.equal(1);
  });

  it('rejects negative, fractional or unsafe sequence numbers and counts, and empty keys, digests and request ids', () => {
    const s = { type: 'sending', seq: 0, idempotencyKey: 'k', digest: 'd', size: 1 };
    expect(E.isRight(SendingRecord.decode(s))).to.equal(true);
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, '1'])
      for (const field of ['seq', 'size'])
        expect(
          E.isLeft(SendingRecord.decode({ ...s, [field]: bad })),
          `${field}: ${String(bad)}`,
        ).to.equal(true);
    for (const field of ['idempotencyKey', 'digest'])
      expect(E.isLeft(SendingRecord.decode({ ...s, [field]: '' })), field).to.equal(true);
    expect(E.isLeft(AcceptedRecord.decode({ type: 'accepted', seq: 0, requestId: '' }))).to.equal(
      true,
    );
    expect(
      E.isLeft(
        FailedRecord.decode({
          type: 'failed',
          seq: 0,
          reason: 'x',
          mayHaveApplied: false,
          requestId: '',
        }),
      ),
    ).to.equal(true);
  });

  it('rejects a completed record whose failure has an operation other than add or remove, or a missing field', () => {
    const c = {
      type: 'completed',
      seq: 0,
      requestId: 'r',
      synced: 1,
      added: 1,
      removed: 0,
      failures: [],
    };
    const failure = {
      index: 0,
      reference_id: 'EMP-1',
      operation: 'add',
      reason: 'Invalid plan_id',
    };
    expect(E.isRight(CompletedRecord.decode({ ...c, failures: [failure] }))).to.equal(true);
    expect(
      E.isLeft(CompletedRecord.decode({ ...c, failures: [{ ...failure, operation: 'update' }] })),
    ).to.equal(true);
    for (const field of Object.keys(c).filter((k) => k !== 'type')) {
      const { [field]: _dropped, ...rest } = c as Record<string, unknown>;
      void _dropped;
      expect(E.isLeft(CompletedRecord.decode(rest)), field).to.equal(true);
    }
  });
});
