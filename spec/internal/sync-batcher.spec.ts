import { expect } from 'chai';
import { ENVELOPE_BYTES, SyncBatcher } from '../../lib/internal/sync-batcher';

describe('SyncBatcher', () => {
  it('keeps the running body size: envelope, members and the commas between them', () => {
    const batcher = new SyncBatcher<string>(10, 1000);
    const out: string[][] = [];
    batcher.push('a', 5, (b) => out.push(b));
    batcher.push('b', 7, (b) => out.push(b));
    expect(batcher.bodyBytes).to.equal(ENVELOPE_BYTES + 5 + 1 + 7);
    expect(batcher.size).to.equal(2);
    expect(out).to.deep.equal([]);
  });

  it('emits a batch at maxMembers, before a member that does not fit, and when maxBytes is reached exactly', () => {
    const out: string[][] = [];
    const byCount = new SyncBatcher<string>(2, 1000);
    for (const x of ['a', 'b', 'c']) byCount.push(x, 1, (b) => out.push(b));
    expect(out).to.deep.equal([['a', 'b']]);
    const byBytes = new SyncBatcher<string>(10, ENVELOPE_BYTES + 10);
    const bytesOut: string[][] = [];
    byBytes.push('a', 6, (b) => bytesOut.push(b));
    byBytes.push('b', 6, (b) => bytesOut.push(b)); // 6 + 1 + 6 > 10: 'a' goes alone
    byBytes.push('c', 3, (b) => bytesOut.push(b)); // 6 + 1 + 3 = 10: full, emitted at once
    expect(bytesOut).to.deep.equal([['a'], ['b', 'c']]);
    expect(byBytes.flush()).to.equal(undefined);
  });

  it('says when a member cannot fit even in an empty batch', () => {
    const batcher = new SyncBatcher<string>(10, ENVELOPE_BYTES + 10);
    expect(batcher.tooLarge(10)).to.equal(false);
    expect(batcher.tooLarge(11)).to.equal(true);
  });
});
