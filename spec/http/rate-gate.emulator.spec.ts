// Integration: the rate-limit promise of API.md, with the real client (axios,
// real sockets) against the emulator's token bucket on 127.0.0.1, port 0.
import { expect } from 'chai';
import { lastValueFrom, mergeMap, range, toArray } from 'rxjs';
import { createClient } from '../../lib/client';
import { startEmulator, type Emulator } from '../../lib/emulator';
import type { ResponseEvent } from '../../lib/types';

describe('the shared rate gate against a rate-limited emulator (integration)', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  afterEach(async () => emulator.stop());

  it('keeps 16 calls in flight against 40 req/s (burst 10, whole-second Retry-After): every call completes, and after the first pause at most 10% of requests get a 429', async () => {
    emulator = await startEmulator({ rateLimit: { requestsPerSecond: 40, burst: 10 } });
    // each response with the moment it arrived (to tell which attempts were
    // sent before the first pause ended: that is classification, not a timing)
    const responses: Array<ResponseEvent & { readonly at: number }> = [];
    const client = createClient({
      apiKey: emulator.apiKey,
      baseURL: emulator.url,
      onResponse: (e) => responses.push({ ...e, at: performance.now() }),
    });
    const group = await lastValueFrom(
      client.groups.create({ name: 'Limited', external_reference_id: 'limited' }),
    );
    const calls = 100;
    const got = await lastValueFrom(
      range(calls).pipe(
        mergeMap(() => client.groups.retrieve(group.id), 16),
        toArray(),
      ),
    );

    // every call completed, with its group
    expect(got).to.have.length(calls);
    expect(new Set(got.map((g) => g.id))).to.deep.equal(new Set([group.id]));
    // what the client saw is what the server answered
    const limited = responses.filter((r) => r.status === 429);
    expect(limited.length, 'the limit was reached').to.be.above(0);
    expect(emulator.stats().faults.rateLimited).to.equal(limited.length);
    expect(responses.length).to.equal(calls + 1 + limited.length);
    for (const r of limited) expect(r.headers).to.have.property('retry-after', '1');
    // The first second is the burst and the wave of 429s that ends it: the
    // server's whole-second Retry-After closes the gate for a second. What the
    // pacer answers for is every attempt sent once the gate first opened again.
    const first = responses.find((r) => r.status === 429)!;
    const reopened = first.at + 1000;
    const settled = responses.filter((r) => r.at - r.durationMs >= reopened - 2);
    const share = settled.filter((r) => r.status === 429).length / settled.length;
    expect(settled.length, 'requests after the first pause').to.be.above(60);
    expect(share, `429 share after the first pause (${settled.length} requests)`).to.be.at.most(
      0.1,
    );
  });
});
