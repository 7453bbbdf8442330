import { expect } from 'chai';
import { IDEMPOTENCY_MAX_ENTRIES, IDEMPOTENCY_TTL_MS, IdempotencyStore } from '../../lib/emulator/idempotency-store';

describe('IdempotencyStore', () => {
  const response = { status: 201, body: '{"data":{}}' };

  it('holds a new key as pending, replays it once completed, and refuses another fingerprint', async () => {
    const store = new IdempotencyStore({ now: () => 0 });
    expect(store.begin('org', 'k', 'f1')).to.deep.equal({ kind: 'new' });
    const pending = store.begin('org', 'k', 'f1');
    expect(pending.kind).to.equal('pending');
    expect(store.begin('org', 'k', 'f2')).to.deep.equal({ kind: 'conflict' });
    store.complete('org', 'k', response);
    if (pending.kind === 'pending') await pending.settled;
    expect(store.begin('org', 'k', 'f1')).to.deep.equal({ kind: 'replay', response });
    expect(store.begin('org', 'k', 'f2')).to.deep.equal({ kind: 'conflict' });
    expect(store.begin('other-org', 'k', 'f2')).to.deep.equal({ kind: 'new' });
  });

  it('forgets an abandoned key and releases those waiting on it', async () => {
    const store = new IdempotencyStore({ now: () => 0 });
    store.begin('org', 'k', 'f1');
    const pending = store.begin('org', 'k', 'f1');
    store.abandon('org', 'k');
    if (pending.kind === 'pending') await pending.settled;
    expect(store.size('org')).to.equal(0);
    expect(store.begin('org', 'k', 'f2')).to.deep.equal({ kind: 'new' });
  });

  it('expires keys after 24 hours', () => {
    let now = 0;
    const store = new IdempotencyStore({ now: () => now });
    store.begin('org', 'old', 'f');
    store.complete('org', 'old', response);
    now = IDEMPOTENCY_TTL_MS - 1;
    expect(store.begin('org', 'old', 'f').kind).to.equal('replay');
    store.begin('org', 'young', 'f');
    store.complete('org', 'young', response);
    now = IDEMPOTENCY_TTL_MS;
    expect(store.begin('org', 'old', 'f2')).to.deep.equal({ kind: 'new' });
    expect(store.begin('org', 'young', 'f').kind).to.equal('replay');
  });

  it('keeps at most 10,000 keys per organization, evicting the oldest finished ones first', () => {
    const store = new IdempotencyStore({ now: () => 0 });
    store.begin('org', 'held', 'f'); // pending: survives eviction while finished keys remain
    for (let i = 0; i < IDEMPOTENCY_MAX_ENTRIES + 500; i++) {
      store.begin('org', `k${i}`, 'f');
      store.complete('org', `k${i}`, response);
    }
    expect(IDEMPOTENCY_MAX_ENTRIES).to.equal(10_000);
    expect(store.size('org')).to.equal(IDEMPOTENCY_MAX_ENTRIES);
    expect(store.begin('org', 'held', 'f').kind).to.equal('pending');
    expect(store.begin('org', `k${IDEMPOTENCY_MAX_ENTRIES + 499}`, 'f').kind).to.equal('replay');
    expect(store.begin('org', 'k0', 'other').kind).to.equal('new');
    expect(store.size()).to.equal(IDEMPOTENCY_MAX_ENTRIES);
  });
});
