// Integration: the real client (axios, real sockets) against the emulator on 127.0.0.1, port 0.
import { expect } from 'chai';
import {
  asyncScheduler,
  firstValueFrom,
  lastValueFrom,
  of,
  toArray,
  type SchedulerAction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { createClient, makeClient } from '../../lib/client';
import { pollUntilComplete } from '../../lib/operators/poll-until-complete';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { AuthenticationError, NotFoundError, ValidationError } from '../../lib/errors';
import type { RetryEvent, VitableConnect } from '../../lib/types';
import { member } from './fixtures';

describe('client against the emulator (integration)', function () {
  this.timeout(10_000);
  let emulator: Emulator;
  let client: VitableConnect;

  beforeEach(async () => {
    emulator = await startEmulator({ processingDelayMs: 5 });
    client = createClient({ apiKey: emulator.apiKey, baseURL: emulator.url });
  });
  afterEach(async () => emulator.stop());

  it('creates, retrieves, updates, lists and auto-pages groups', async () => {
    const created = [];
    for (let i = 1; i <= 5; i++)
      created.push(
        await lastValueFrom(
          client.groups.create({ name: `Tier ${i}`, external_reference_id: `seg_${i}` }),
        ),
      );
    expect(created[0]).to.include({
      name: 'Tier 1',
      external_reference_id: 'seg_1',
      organization_id: emulator.organizationId,
    });
    const id = created[0]!.id;
    expect(await lastValueFrom(client.groups.retrieve(id))).to.deep.equal(created[0]);
    const renamed = await lastValueFrom(client.groups.update(id, { name: 'Tier 1 (renamed)' }));
    expect(renamed).to.include({ id, name: 'Tier 1 (renamed)', external_reference_id: 'seg_1' });
    const page = await lastValueFrom(client.groups.list({ page: 2, limit: 2 }));
    expect(page.pagination).to.deep.equal({ page: 2, limit: 2, total: 5, total_pages: 3 });
    expect(page.data.map((g) => g.id)).to.deep.equal([created[2]!.id, created[3]!.id]);
    const all = await lastValueFrom(client.groups.listAll({ limit: 2 }).pipe(toArray()));
    expect(all.map((g) => g.id)).to.deep.equal(created.map((g) => g.id));
    expect(emulator.stats().byRoute['GET /v1/groups']?.['200']).to.equal(4); // list + 3 pages
  });

  it('syncs normalised members and reads the completed request back', async () => {
    const g = await lastValueFrom(
      client.groups.create({ name: 'Sync', external_reference_id: 'sync_1' }),
    );
    const members = [1, 2].map((n) => ({ ...member(n), plan_id: emulator.planIds[0]! }));
    const submission = await lastValueFrom(client.members.sync.submit(g.id, { members } as never));
    expect(submission.group_id).to.equal(g.id);
    expect(submission.request_id).to.match(/^grpmsr_/);
    const read = await lastValueFrom(client.members.sync.retrieve(g.id, submission.request_id));
    expect(read).to.include({ request_id: submission.request_id, group_id: g.id });
    // read back as a user would: the library's own poller, no sleep here
    const request = await lastValueFrom(
      of(submission).pipe(pollUntilComplete(client, { initialDelayMs: 5, factor: 1, maxDelayMs: 5 })),
    );
    expect(request.completed_at).to.be.a('string');
    expect(request.results?.added_group_member_ids).to.have.length(2);
    expect(request.results?.failures).to.deep.equal([]);
    const stored = emulator.members(g.id);
    expect(stored.map((m) => [m.reference_id, m.phone, m.address.state])).to.deep.equal([
      ['EMP-1', '4155550100', 'CA'],
      ['EMP-2', '4155550100', 'CA'],
    ]);
  });

  it('maps the emulator’s error answers to typed errors with their request id', async () => {
    const wrongKey = createClient({
      apiKey: 'vc_wrong_key_123',
      baseURL: emulator.url,
      maxRetries: 0,
    });
    const auth = await firstValueFrom(wrongKey.groups.list()).catch((e: unknown) => e);
    expect(auth).to.be.instanceOf(AuthenticationError);
    expect((auth as AuthenticationError).requestId).to.be.a('string').that.is.not.empty;
    expect(JSON.stringify(auth)).not.to.contain('vc_wrong_key_123');
    const missing = await firstValueFrom(client.groups.retrieve('grp_nope')).catch(
      (e: unknown) => e,
    );
    expect(missing).to.be.instanceOf(NotFoundError);
    const local = await firstValueFrom(client.groups.retrieve('')).catch((e: unknown) => e);
    expect(local).to.be.instanceOf(ValidationError);
    const g = await lastValueFrom(client.groups.create({ name: 'X', external_reference_id: 'x' }));
    const unknownPlan = await firstValueFrom(
      client.members.sync.submit(g.id, {
        members: [{ ...member(1), plan_id: 'pln_unknown' }],
      } as never),
    );
    // an unknown plan is a per-member failure reported once processed, not a request error
    expect(unknownPlan.request_id).to.match(/^grpmsr_/);
    const bad = await firstValueFrom(
      wrongKey.members.sync.submit(g.id, { members: [member(1)] } as never),
    ).catch((e: unknown) => e);
    expect(bad).to.be.instanceOf(AuthenticationError);
  });

  it('retries injected 429s after exactly the wait the server asks for', async () => {
    emulator.setFaults({ seed: 7, rateLimitRate: 0.2, retryAfterMs: 10 });
    const retries: RetryEvent[] = [];
    const limited = createClient({
      apiKey: emulator.apiKey,
      baseURL: emulator.url,
      maxRetries: 10,
      onRetry: (e) => retries.push(e),
    });
    for (let i = 0; i < 10; i++)
      await lastValueFrom(limited.groups.create({ name: `G${i}`, external_reference_id: `r${i}` }));
    const stats = emulator.stats();
    expect(stats.faults.rateLimited).to.be.greaterThan(0);
    expect(retries.length).to.equal(stats.faults.rateLimited);
    for (const e of retries)
      expect(e).to.include({ reason: 'status-429', status: 429, delayMs: 10 });
  });

  it('never creates twice when connections drop before or after the request took effect', async () => {
    emulator.setFaults({ seed: 3, dropRate: 0.3 });
    const retries: RetryEvent[] = [];
    // backoff waits compressed 100x so the spec stays fast; the policy itself is unchanged
    const fast: SchedulerLike = {
      now: () => asyncScheduler.now(),
      schedule<T>(
        work: (this: SchedulerAction<T>, state?: T) => void,
        delay = 0,
        state?: T,
      ): Subscription {
        return asyncScheduler.schedule(work, delay / 100, state);
      },
    };
    const flaky = makeClient(
      {
        apiKey: emulator.apiKey,
        baseURL: emulator.url,
        maxRetries: 10,
        onRetry: (e) => retries.push(e),
      },
      { scheduler: fast },
    );
    const created = [];
    for (let i = 0; i < 12; i++)
      created.push(
        await lastValueFrom(flaky.groups.create({ name: `G${i}`, external_reference_id: `r${i}` })),
      );
    emulator.setFaults({});
    const all = await lastValueFrom(client.groups.listAll().pipe(toArray()));
    expect(all.map((g) => g.external_reference_id)).to.deep.equal(
      created.map((g) => g.external_reference_id),
    );
    expect(all.map((g) => g.id)).to.deep.equal(created.map((g) => g.id));
    const stats = emulator.stats();
    expect(stats.faults.drops).to.be.greaterThan(0);
    expect(retries.filter((e) => e.reason === 'connection').length).to.equal(stats.faults.drops);
  });
});
