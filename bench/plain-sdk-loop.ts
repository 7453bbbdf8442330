/**
 * The baseline of the realistic-server benchmark: the loop a user writes
 * around an official SDK, here with bare axios. Chunks of 1000 members, 10
 * batches in flight, a poll every second until `completed_at` is set; a 429
 * waits its `Retry-After` (whole seconds) and goes again. No other retries:
 * the benchmark's emulator injects no faults.
 */
import axios, { type AxiosInstance } from 'axios';

/** What the loop saw. */
export interface PlainLoopOutcome {
  readonly ms: number;
  readonly batches: number;
  readonly polls: number;
  readonly failedMembers: number;
  /** `Date.now()` of the last 202. */
  readonly lastAcceptedMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One request, waiting out 429s as `Retry-After` says (1 s when absent). */
const call = async <T>(send: () => Promise<{ status: number; data: T; headers: Record<string, unknown> }>): Promise<T> => {
  for (;;) {
    const res = await send();
    if (res.status === 429) {
      const seconds = Number(res.headers['retry-after'] ?? 1);
      await sleep((Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000);
      continue;
    }
    if (res.status >= 400) throw new Error(`HTTP ${res.status}`);
    return res.data;
  }
};

/**
 * Syncs `members` into `groupId` the plain way and returns how long it took.
 *
 * @example
 * const outcome = await plainSdkLoop(url, apiKey, groupId, members);
 */
export const plainSdkLoop = async (
  baseURL: string,
  apiKey: string,
  groupId: string,
  members: ReadonlyArray<Record<string, unknown>>,
  inFlight = 10,
  chunk = 1000,
): Promise<PlainLoopOutcome> => {
  const http: AxiosInstance = axios.create({
    baseURL,
    headers: { Authorization: `Bearer ${apiKey}` },
    validateStatus: () => true,
  });
  const chunks: Array<ReadonlyArray<Record<string, unknown>>> = [];
  for (let i = 0; i < members.length; i += chunk) chunks.push(members.slice(i, i + chunk));
  let next = 0;
  let polls = 0;
  let failedMembers = 0;
  let lastAcceptedMs = 0;
  const started = Date.now();
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      const batch = chunks[next++]!;
      try {
        const accepted = await call<{ data: { request_id: string } }>(() =>
          http.post(`/v1/groups/${groupId}/members/sync`, { members: batch }),
        );
        lastAcceptedMs = Date.now();
        for (;;) {
          await sleep(1000);
          polls++;
          const request = await call<{ data: { completed_at: string | null; results: { failures: unknown[] } | null } }>(
            () => http.get(`/v1/groups/${groupId}/members/sync/${accepted.data.request_id}`),
          );
          if (request.data.completed_at !== null) {
            failedMembers += request.data.results?.failures.length ?? 0;
            break;
          }
        }
      } catch {
        failedMembers += batch.length;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, () => worker()));
  return { ms: Date.now() - started, batches: chunks.length, polls, failedMembers, lastAcceptedMs };
};
