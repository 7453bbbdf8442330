// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A response as the idempotency table keeps it: status and the exact body text. */
export interface StoredResponse {
  readonly status: number;
  readonly body: string;
}

/** What {@link IdempotencyStore.begin} finds for a key. */
export type IdempotencyLookup =
  /** First use: the key is now held (pending) until `complete` or `abandon`. */
  | { readonly kind: 'new' }
  /** Used before with the same request: answer this again, create nothing. */
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  /** Used before with a different request. */
  | { readonly kind: 'conflict' }
  /** The first request with this key is still being handled; ask again once `settled` resolves. */
  | { readonly kind: 'pending'; readonly settled: Promise<void> };

/** Limits of the table. */
export interface IdempotencyStoreOptions {
  /** Milliseconds since epoch. */
  readonly now: () => number;
  /** How long a key is remembered (default 24 h). */
  readonly ttlMs?: number;
  /** Most keys remembered per scope; the oldest go first (default 10 000). */
  readonly maxEntries?: number;
}

type Entry =
  | { readonly fingerprint: string; readonly createdAt: number; readonly state: 'pending'; readonly release: () => void; readonly settled: Promise<void> }
  | { readonly fingerprint: string; readonly createdAt: number; readonly state: 'done'; readonly response: StoredResponse };

/** 24 hours, in ms. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Keys remembered per organization. */
export const IDEMPOTENCY_MAX_ENTRIES = 10_000;

// -------------------------------------------------------------------------------------
// store
// -------------------------------------------------------------------------------------

/**
 * The emulator's idempotency table: per scope (organization), key → the
 * request's fingerprint and its first successful response. Keys expire after
 * `ttlMs` and at most `maxEntries` are kept per scope (oldest evicted first),
 * so memory never grows with the number of requests served.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/idempotency-store.ts)
 * const store = new IdempotencyStore({ now: Date.now });
 * store.begin('org_1', 'key-1', 'POST /v1/groups {…}'); // { kind: 'new' }
 */
export class IdempotencyStore {
  private readonly scopes = new Map<string, Map<string, Entry>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(private readonly options: IdempotencyStoreOptions) {
    this.ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
    this.maxEntries = Math.max(1, options.maxEntries ?? IDEMPOTENCY_MAX_ENTRIES);
  }

  /** Looks the key up; on first use holds it as pending for this fingerprint. */
  begin(scope: string, key: string, fingerprint: string): IdempotencyLookup {
    const table = this.table(scope);
    this.expire(table);
    const entry = table.get(key);
    if (entry !== undefined) {
      if (entry.fingerprint !== fingerprint) return { kind: 'conflict' };
      if (entry.state === 'pending') return { kind: 'pending', settled: entry.settled };
      return { kind: 'replay', response: entry.response };
    }
    while (table.size >= this.maxEntries) this.evictOldest(table);
    let release: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => (release = resolve));
    table.set(key, { fingerprint, createdAt: this.options.now(), state: 'pending', release, settled });
    return { kind: 'new' };
  }

  /** Records the response of a held key, to be replayed from now on. */
  complete(scope: string, key: string, response: StoredResponse): void {
    const table = this.table(scope);
    const entry = table.get(key);
    if (entry === undefined || entry.state !== 'pending') return;
    table.set(key, { fingerprint: entry.fingerprint, createdAt: entry.createdAt, state: 'done', response });
    entry.release();
  }

  /** Forgets a held key whose request had no lasting effect (error, dropped connection). */
  abandon(scope: string, key: string): void {
    const table = this.table(scope);
    const entry = table.get(key);
    if (entry === undefined || entry.state !== 'pending') return;
    table.delete(key);
    entry.release();
  }

  /** Keys remembered for a scope, or for all scopes. */
  size(scope?: string): number {
    if (scope !== undefined) return this.scopes.get(scope)?.size ?? 0;
    let total = 0;
    for (const table of this.scopes.values()) total += table.size;
    return total;
  }

  private table(scope: string): Map<string, Entry> {
    let table = this.scopes.get(scope);
    if (table === undefined) this.scopes.set(scope, (table = new Map()));
    return table;
  }

  /** Entries are kept in creation order, so the expired ones are at the front. */
  private expire(table: Map<string, Entry>): void {
    const cutoff = this.options.now() - this.ttlMs;
    for (const [key, entry] of table) {
      if (entry.createdAt > cutoff) break;
      table.delete(key);
      if (entry.state === 'pending') entry.release();
    }
  }

  /** Evicts the oldest finished entry; a pending one only when nothing else is left. */
  private evictOldest(table: Map<string, Entry>): void {
    for (const [key, entry] of table) {
      if (entry.state === 'done') {
        table.delete(key);
        return;
      }
    }
    const first = table.entries().next();
    if (first.done) return;
    const [key, entry] = first.value;
    table.delete(key);
    if (entry.state === 'pending') entry.release();
  }
}
