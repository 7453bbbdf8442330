// The package root against hostile input: every public function, every option,
// values of every kind. The outcome is success or a VitableError (thrown or on
// the error channel), soon, and a call refused before sending sends nothing.
import { expect } from 'chai';
import fc from 'fast-check';
import nock from 'nock';
import { from, lastValueFrom, Observable, toArray } from 'rxjs';
import * as root from '../lib';
import { member, API, KEY } from './http/fixtures';

// -------------------------------------------------------------------------------------
// hostile values
// -------------------------------------------------------------------------------------

const thrower = (): Record<string, unknown> =>
  Object.defineProperty({ [fc.toStringMethod]: () => 'thrower()' }, 'x', {
    enumerable: true,
    get() {
      throw new Error('getter says no');
    },
  });

const cyclic = (): Record<string, unknown> => {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
};

/** A Proxy whose traps throw for every string key (symbol keys pass, so the test harness can still describe it). */
const trapProxy = (): object => {
  const target = { [fc.toStringMethod]: () => 'trapProxy()' };
  const no = (key: string | symbol): void => {
    if (typeof key === 'string') throw new Error(`proxy trap on ${key}`);
  };
  return new Proxy(target, {
    get(t, key) {
      no(key);
      return Reflect.get(t, key);
    },
    has(t, key) {
      no(key);
      return Reflect.has(t, key);
    },
    ownKeys() {
      throw new Error('proxy ownKeys trap');
    },
    getOwnPropertyDescriptor(t, key) {
      no(key);
      return Reflect.getOwnPropertyDescriptor(t, key);
    },
  });
};

/** Values no option should ever take: wrong types, non-finite and huge numbers, traps. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    NaN,
    Infinity,
    -Infinity,
    -1,
    2 ** 31,
    2 ** 53,
    1e308,
    -0.5,
    1.5,
    '',
    ' ',
    '\ud800',
    'x'.repeat(5000),
    true,
    null,
    [],
    Symbol('s'),
    10n,
    () => 1,
  ),
  fc.constant(null).map(() => thrower()),
  fc.constant(null).map(() => cyclic()),
  fc.constant(null).map(() => trapProxy()),
  fc.constant(null).map(() => JSON.parse('{"__proto__": {"polluted": true}}') as unknown),
  fc.anything(),
);

/** An options object: each key either a reasonable value or a hostile one; sometimes with a throwing getter. */
const optionsOf = (
  valid: Record<string, fc.Arbitrary<unknown>>,
  requiredKeys: ReadonlyArray<string> = [],
): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 1, arbitrary: hostile },
    {
      weight: 4,
      arbitrary: fc
        .record(
          Object.fromEntries(
            Object.entries(valid).map(([k, arb]) => [
              k,
              fc.oneof({ weight: 3, arbitrary: arb }, { weight: 1, arbitrary: hostile }),
            ]),
          ),
          { requiredKeys: [...requiredKeys] },
        )
        .chain((o) =>
          fc
            .nat(3)
            .map((n) => n === 0)
            .map((withGetter) => {
              if (!withGetter) return o;
              const keys = Object.keys(valid);
              const key = keys[keys.length > 0 ? Object.keys(o).length % keys.length : 0] ?? 'x';
              return Object.defineProperty(
                { ...o, [fc.toStringMethod]: () => `getter(${key})` },
                key,
                {
                  enumerable: true,
                  get() {
                    throw new Error(`getter of ${key} says no`);
                  },
                },
              );
            }),
        ),
    },
  );

const smallMs = fc.integer({ min: 0, max: 20 });
const requestOptions = optionsOf({
  timeoutMs: fc.integer({ min: 100, max: 5000 }),
  maxRetries: fc.integer({ min: 0, max: 1 }),
  idempotencyKey: fc.constant('key-1'),
  headers: fc.constant({ 'x-extra': '1' }),
});
const groupId = fc.oneof(fc.constantFrom('grp_1', 'grp 1/../x'), hostile);

// -------------------------------------------------------------------------------------
// a server that answers everything well
// -------------------------------------------------------------------------------------

const group = {
  id: 'grp_1',
  organization_id: 'org_1',
  name: 'G',
  external_reference_id: 'e',
  created_at: null,
  updated_at: null,
};
const syncRequest = {
  request_id: 'req_1',
  group_id: 'grp_1',
  submitted_at: '2026-01-01T00:00:00Z',
  completed_at: '2026-01-01T00:00:01Z',
  results: { added_group_member_ids: [], removed_group_member_ids: [], failures: [] },
};

let sent = 0;
function answer(this: { req: { method: string } }, uri: string): [number, unknown] {
  sent++;
  const path = uri.split('?')[0] ?? '';
  const method = this.req.method.toUpperCase();
  if (method === 'GET' && path === '/v1/groups')
    return [200, { data: [group], pagination: { page: 1, limit: 100, total: 1, total_pages: 1 } }];
  if (path.endsWith('/members/sync') && method === 'POST')
    return [202, { request_id: 'req_1', group_id: 'grp_1', submitted_at: '2026-01-01T00:00:00Z' }];
  if (path.includes('/members/sync/')) return [200, { data: syncRequest }];
  return [method === 'POST' ? 201 : 200, { data: group }];
}

const serveEverything = (): void => {
  const scope = nock(API).persist();
  for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const)
    scope.intercept(/.*/, method).reply(answer);
};

// -------------------------------------------------------------------------------------
// the property's judge
// -------------------------------------------------------------------------------------

type Outcome = { readonly kind: 'ok' } | { readonly kind: 'error'; readonly error: unknown };

const BOUND_MS = 3000;

/** Runs `make()` (which may throw) and drains its Observable, bounded in time. */
const outcomeOf = async (make: () => Observable<unknown> | unknown): Promise<Outcome> => {
  let result: unknown;
  try {
    result = make();
  } catch (error) {
    return { kind: 'error', error };
  }
  if (!(result instanceof Observable)) return { kind: 'ok' };
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      lastValueFrom(result.pipe(toArray())).then((): Outcome => ({ kind: 'ok' })),
      new Promise<Outcome>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no outcome within ${BOUND_MS} ms: a hang`)),
          BOUND_MS,
        );
      }),
    ]).catch((error: unknown) => {
      if (error instanceof Error && error.message.includes('a hang')) throw error;
      return { kind: 'error', error } as Outcome;
    });
  } finally {
    clearTimeout(timer);
  }
};

/** The judge: success, or a VitableError; a refusal before sending sent nothing; the key never shows. */
const tally = { ok: 0, refused: 0, failed: 0 };
const judge = async (make: () => Observable<unknown> | unknown): Promise<void> => {
  const before = sent;
  const outcome = await outcomeOf(make);
  if (outcome.kind === 'ok') {
    tally.ok++;
    return;
  }
  tally[sent === before ? 'refused' : 'failed']++;
  const { error } = outcome;
  expect(error, `a raw ${String(error)}`).to.be.instanceOf(root.VitableError);
  const e = error as root.VitableError;
  if (e._tag === 'ValidationError' || e._tag === 'ConfigError')
    expect(sent - before, `${e._tag} after a request was sent: ${e.message}`).to.equal(0);
  expect(String(e)).not.to.contain(KEY);
};

const client = (): root.VitableConnect =>
  root.createClient({ apiKey: KEY, baseURL: API, maxRetries: 0 });

// -------------------------------------------------------------------------------------
// the property, function by function
// -------------------------------------------------------------------------------------

describe('the package root, against hostile input', function () {
  this.timeout(60_000);
  const runs = { numRuns: 60 };
  let unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => {
    unhandled.push(e);
  };

  beforeEach(() => {
    serveEverything();
    unhandled = [];
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    expect(unhandled, 'no error escapes to the process').to.deep.equal([]);
  });

  it('createClient gives a client or a ConfigError for any options', async () => {
    await fc.assert(
      fc.asyncProperty(
        optionsOf({
          apiKey: fc.constant(KEY),
          baseURL: fc.constant(API),
          environment: fc.constantFrom('production', 'environment_1'),
          timeoutMs: fc.integer({ min: 1, max: 2147483647 }),
          maxRetries: fc.integer({ min: 0, max: 5 }),
          defaultHeaders: fc.constant({ 'x-a': 'b' }),
          logLevel: fc.constantFrom('off', 'error', 'debug'),
          logger: fc.constant({ error() {}, warn() {}, info() {}, debug() {} }),
          maxRetryAfterMs: fc.integer({ min: 0, max: 2147483647 }),
          maxRateLimitWaitMs: fc.integer({ min: 0, max: 2147483647 }),
          onRetry: fc.constant(() => undefined),
          onResponse: fc.constant(() => undefined),
        }),
        async (options) => {
          const outcome = await outcomeOf(() => root.createClient(options as root.ClientOptions));
          if (outcome.kind === 'error') expect(outcome.error).to.be.instanceOf(root.ConfigError);
        },
      ),
      runs,
    );
  });

  it('groups.list, listAll, create, retrieve and update: success or a VitableError, nothing sent when refused', async () => {
    const c = client();
    const calls: ReadonlyArray<fc.Arbitrary<() => unknown>> = [
      fc
        .tuple(
          optionsOf({
            page: fc.integer({ min: 1, max: 3 }),
            limit: fc.integer({ min: 1, max: 100 }),
          }),
          requestOptions,
        )
        .map(
          ([p, o]) =>
            () =>
              c.groups.list(p as never, o as never),
        ),
      fc
        .tuple(
          optionsOf({
            limit: fc.integer({ min: 1, max: 100 }),
            prefetch: fc.integer({ min: 1, max: 4 }),
          }),
          requestOptions,
        )
        .map(
          ([p, o]) =>
            () =>
              c.groups.listAll(p as never, o as never),
        ),
      fc
        .tuple(
          optionsOf({
            name: fc.string({ minLength: 1 }),
            external_reference_id: fc.string({ minLength: 1 }),
          }),
          requestOptions,
        )
        .map(
          ([b, o]) =>
            () =>
              c.groups.create(b as never, o as never),
        ),
      fc.tuple(groupId, requestOptions).map(
        ([g, o]) =>
          () =>
            c.groups.retrieve(g as never, o as never),
      ),
      fc.tuple(groupId, optionsOf({ name: fc.string({ minLength: 1 }) }), requestOptions).map(
        ([g, b, o]) =>
          () =>
            c.groups.update(g as never, b as never, o as never),
      ),
    ];
    await fc.assert(
      fc.asyncProperty(fc.oneof(...calls), (call) => judge(call)),
      runs,
    );
  });

  it('members.sync.submit and retrieve: success or a VitableError, nothing sent when refused', async () => {
    const c = client();
    const members = fc.array(
      fc.oneof({ weight: 3, arbitrary: fc.nat(99).map(member) }, { weight: 1, arbitrary: hostile }),
      {
        maxLength: 4,
      },
    );
    const calls: ReadonlyArray<fc.Arbitrary<() => unknown>> = [
      fc
        .tuple(
          groupId,
          fc.oneof(
            members.map((m) => ({ members: m })),
            hostile,
          ),
          requestOptions,
        )
        .map(
          ([g, b, o]) =>
            () =>
              c.members.sync.submit(g as never, b as never, o as never),
        ),
      fc.tuple(groupId, fc.oneof(fc.constant('req_1'), hostile), requestOptions).map(
        ([g, r, o]) =>
          () =>
            c.members.sync.retrieve(g as never, r as never, o as never),
      ),
    ];
    await fc.assert(
      fc.asyncProperty(fc.oneof(...calls), (call) => judge(call)),
      runs,
    );
  });

  it('toSyncBatches: batches or a ValidationError on the error channel, for any options and members', async () => {
    await fc.assert(
      fc.asyncProperty(
        optionsOf({
          maxMembers: fc.integer({ min: 1, max: 1000 }),
          maxBytes: fc.integer({ min: 1000, max: 1_000_000 }),
        }),
        fc.array(fc.oneof(fc.nat(99).map(member), hostile), { maxLength: 6 }),
        (options, members) =>
          judge(() => from(members as never[]).pipe(root.toSyncBatches(options as never))),
      ),
      runs,
    );
  });

  it('pollUntilComplete: the final request or a VitableError, for any options', async () => {
    const c = client();
    const submission = {
      request_id: 'req_1',
      group_id: 'grp_1',
      submitted_at: '2026-01-01T00:00:00Z',
    };
    await fc.assert(
      fc.asyncProperty(
        optionsOf({
          initialDelayMs: smallMs,
          factor: fc.integer({ min: 1, max: 3 }),
          maxDelayMs: smallMs,
          timeoutMs: fc.integer({ min: 1000, max: 2147483647 }),
        }),
        fc.oneof(
          { weight: 3, arbitrary: fc.constant<unknown>(submission) },
          { weight: 1, arbitrary: hostile },
        ),
        (options, sub) =>
          judge(() =>
            new Observable<never>((s) => {
              s.next(sub as never); // not of(): it would probe the value for a scheduler
              s.complete();
            }).pipe(root.pollUntilComplete(c, options as never)),
          ),
      ),
      runs,
    );
  });

  it('syncRoster: events ending in done, or a VitableError, for any group, roster and options', async () => {
    const c = client();
    const roster = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.array(
          fc.oneof(
            { weight: 3, arbitrary: fc.nat(20).map(member) },
            { weight: 1, arbitrary: hostile },
          ),
          { maxLength: 8 },
        ),
      },
      { weight: 1, arbitrary: hostile },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant<unknown>(c), hostile),
        groupId,
        roster,
        optionsOf({
          concurrency: fc.integer({ min: 1, max: 4 }),
          maxMembers: fc.integer({ min: 1, max: 1000 }),
          maxBytes: fc.integer({ min: 2000, max: 1_000_000 }),
          failFast: fc.boolean(),
          poll: fc.constant({ initialDelayMs: 0, maxDelayMs: 5 }),
        }),
        (cl, g, members, options) =>
          judge(() => root.syncRoster(cl as never, g as never, members as never, options as never)),
      ),
      runs,
    );
  });

  after(() => console.log(tally));
  it('toEither turns any VitableError into a Left and completes', async () => {
    const out = await lastValueFrom(
      root
        .createClient({ apiKey: KEY, baseURL: API })
        .groups.retrieve('')
        .pipe(root.toEither(), toArray()),
    );
    expect(out).to.have.length(1);
    expect(out[0]!._tag).to.equal('Left');
  });
});
