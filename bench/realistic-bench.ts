/**
 * Benchmark "roster sync against a realistic server": an emulator in a
 * separate process with a token-bucket rate limit (R requests/s, burst R, 429s
 * carrying `Retry-After` in whole seconds) and a processing delay D per batch.
 * For each profile, `syncRoster` with default options and the plain loop a
 * user writes around an official SDK (bare axios: chunks of 1000, 10 in
 * flight, a poll every second) run one after the other against the same
 * emulator, into two groups. Reference time: T = (2B - burst) / R + D with
 * B = ceil(N / 1000).
 */
import axios from 'axios';
import { filter, lastValueFrom, tap } from 'rxjs';
import { createClient, syncRoster, type DoneEvent, type Group } from '../lib';
import { startEmulatorProcess, type EmulatorProcess } from './child';
import { figure, say } from './harness';
import type { BenchMode, BenchResult, Target } from './harness';
import { expectedMember, rawMember } from './members';
import { plainSdkLoop } from './plain-sdk-loop';

/** One server profile. */
interface Profile {
  readonly requestsPerSecond: number;
  readonly processingMs: number;
  readonly members: number;
}

/** Sized so that a profile (both variants) takes about a minute at most. */
const PROFILES: ReadonlyArray<Profile> = [
  { requestsPerSecond: 5, processingMs: 500, members: 50_000 },
  { requestsPerSecond: 20, processingMs: 3000, members: 100_000 },
  { requestsPerSecond: 100, processingMs: 10_000, members: 50_000 },
];

interface Counts {
  readonly requests: number;
  readonly rateLimited: number;
  /** Polls the server answered (not 429). */
  readonly polls: number;
}

interface EmulatorStatsLike {
  readonly requests: number;
  readonly byRoute: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

const POLL_ROUTE = 'GET /v1/groups/:id/members/sync/:request_id';

const countsOf = (stats: EmulatorStatsLike): Counts => {
  let rateLimited = 0;
  for (const byStatus of Object.values(stats.byRoute)) rateLimited += byStatus['429'] ?? 0;
  const polls = Object.entries(stats.byRoute[POLL_ROUTE] ?? {})
    .filter(([status]) => status !== '429')
    .reduce((n, [, c]) => n + c, 0);
  return { requests: stats.requests, rateLimited, polls };
};

const minus = (a: Counts, b: Counts): Counts => ({
  requests: a.requests - b.requests,
  rateLimited: a.rateLimited - b.rateLimited,
  polls: a.polls - b.polls,
});

/** What one variant did on one profile. */
interface Run {
  readonly seconds: number;
  /** When the last batch was accepted, in s from the start. */
  readonly lastAcceptedS: number;
  readonly batches: number;
  readonly counts: Counts;
  readonly failed: number;
  readonly stored: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const newGroup = async (emu: EmulatorProcess, name: string): Promise<string> => {
  const res = await axios.post<{ data: Group }>(
    `${emu.url}/v1/groups`,
    { name, external_reference_id: name },
    { headers: { Authorization: `Bearer ${emu.apiKey}` } },
  );
  return res.data.data.id;
};

const measured = async (
  emu: EmulatorProcess,
  groupId: string,
  task: () => Promise<{ batches: number; failed: number; lastAcceptedMs: number }>,
): Promise<Run> => {
  const before = countsOf((await emu.stats()) as EmulatorStatsLike);
  const t0 = Date.now();
  const { batches, failed, lastAcceptedMs } = await task();
  const seconds = (Date.now() - t0) / 1000;
  const after = countsOf((await emu.stats()) as EmulatorStatsLike);
  return {
    seconds,
    lastAcceptedS: (lastAcceptedMs - t0) / 1000,
    batches,
    counts: minus(after, before),
    failed,
    stored: await emu.memberCount(groupId),
  };
};

const ours = async (emu: EmulatorProcess, profile: Profile): Promise<Run> => {
  const groupId = await newGroup(emu, `ours-${profile.requestsPerSecond}`);
  const client = createClient({ apiKey: emu.apiKey, baseURL: emu.url });
  function* members(): Generator<unknown> {
    for (let i = 0; i < profile.members; i++) yield rawMember(i, emu.planIds[i % emu.planIds.length]!);
  }
  let lastAcceptedMs = 0;
  return measured(emu, groupId, async () => {
    const done = await lastValueFrom(
      syncRoster(client, groupId, members()).pipe(
        tap((e) => {
          if (e.type === 'submitted') lastAcceptedMs = Date.now();
        }),
        filter((e): e is DoneEvent => e.type === 'done'),
      ),
    );
    return { batches: done.report.requestIds.length, failed: done.report.failed, lastAcceptedMs };
  });
};

const plain = async (emu: EmulatorProcess, profile: Profile): Promise<Run> => {
  const groupId = await newGroup(emu, `plain-${profile.requestsPerSecond}`);
  const members = Array.from({ length: profile.members }, (_, i) =>
    expectedMember(i, emu.planIds[i % emu.planIds.length]!) as unknown as Record<string, unknown>,
  );
  return measured(emu, groupId, async () => {
    const out = await plainSdkLoop(emu.url, emu.apiKey, groupId, members);
    return { batches: out.batches, failed: out.failedMembers, lastAcceptedMs: out.lastAcceptedMs };
  });
};

/** Runs the benchmark. */
export const runRealisticBench = async (mode: BenchMode): Promise<BenchResult> => {
  const profiles = mode.quick ? PROFILES.map((p) => ({ ...p, members: Math.ceil(p.members / 5) })) : PROFILES;
  const figures: BenchResult['figures'][number][] = [];
  const targets: Target[] = [];
  const notes: string[] = [];
  for (const p of profiles) {
    const label = `R ${p.requestsPerSecond}/s, D ${p.processingMs / 1000} s, N ${p.members.toLocaleString('en-US')}`;
    const emu = await startEmulatorProcess({
      processingDelayMs: p.processingMs,
      rateLimit: { requestsPerSecond: p.requestsPerSecond, burst: p.requestsPerSecond },
    });
    try {
      say(`realistic ${label}: syncRoster (defaults)…`);
      const a = await ours(emu, p);
      await sleep(2000); // the bucket refills before the other variant
      say(`realistic ${label}: plain loop…`);
      const b = await plain(emu, p);
      const batches = Math.ceil(p.members / 1000);
      const bound = (2 * batches - p.requestsPerSecond) / p.requestsPerSecond + p.processingMs / 1000;
      const share = (r: Run): number => (r.counts.requests > 0 ? r.counts.rateLimited / r.counts.requests : 0);
      const perBatch = (r: Run): number => r.counts.polls / Math.max(1, r.batches);
      say(
        `   ours ${a.seconds.toFixed(1)} s (${(a.seconds / bound).toFixed(2)} T, last 202 at ${a.lastAcceptedS.toFixed(1)} s), ${perBatch(a).toFixed(2)} polls/batch, ` +
          `${(share(a) * 100).toFixed(1)}% 429, ${a.failed} failed; plain ${b.seconds.toFixed(1)} s, ` +
          `${perBatch(b).toFixed(2)} polls/batch, ${(share(b) * 100).toFixed(1)}% 429, ${b.failed} failed`,
      );
      figures.push(
        figure(`${label}: syncRoster seconds`, 's', [a.seconds]),
        figure(`${label}: reference time T`, 's', [bound]),
        figure(`${label}: syncRoster / T`, '×', [a.seconds / bound]),
        figure(`${label}: syncRoster polls per batch`, 'polls', [perBatch(a)]),
        figure(`${label}: syncRoster requests answered 429`, '%', [share(a) * 100]),
        figure(`${label}: syncRoster members failed`, 'members', [a.failed]),
        figure(`${label}: syncRoster last batch accepted after`, 's', [a.lastAcceptedS]),
        figure(`${label}: plain loop seconds`, 's', [b.seconds]),
        figure(`${label}: plain loop / syncRoster`, '×', [b.seconds / a.seconds]),
        figure(`${label}: plain loop polls per batch`, 'polls', [perBatch(b)]),
        figure(`${label}: plain loop requests answered 429`, '%', [share(b) * 100]),
        figure(`${label}: plain loop members failed`, 'members', [b.failed]),
      );
      targets.push(
        { description: `${label}: within 1.25 T`, measured: `${(a.seconds / bound).toFixed(2)} T`, met: a.seconds <= 1.25 * bound },
        {
          description: `${label}: at least 1.5× faster than the plain loop`,
          measured: `${(b.seconds / a.seconds).toFixed(2)}×`,
          met: b.seconds >= 1.5 * a.seconds,
        },
        { description: `${label}: at most 1.5 polls a batch`, measured: perBatch(a).toFixed(2), met: perBatch(a) <= 1.5 },
        { description: `${label}: at most 10% of requests answered 429`, measured: `${(share(a) * 100).toFixed(1)}%`, met: share(a) <= 0.1 },
        { description: `${label}: 0 members failed`, measured: String(a.failed), met: a.failed === 0 },
      );
      if (a.stored !== p.members - a.failed)
        notes.push(`${label}: the group holds ${a.stored} members, syncRoster reported ${p.members - a.failed} synced.`);
    } finally {
      await emu.stop();
    }
  }
  notes.push(
    'One run per profile (each takes up to a minute); both variants against the same emulator process, one after the other, with 2 s between them for the token bucket to refill.',
    '429 share = requests answered 429 / all requests of that variant, counted by the emulator. Polls per batch counts the polls the server answered (not 429).',
  );
  return {
    id: 'realistic-sync',
    title: '5. Roster sync against a realistic server (rate limit + processing delay)',
    params: {
      profiles: profiles.map((p) => `R ${p.requestsPerSecond}/s burst ${p.requestsPerSecond}, D ${p.processingMs} ms, N ${p.members}`).join('; '),
      syncRoster: 'default options (adaptive concurrency, learned polling, maxMembers 1000)',
      'plain loop': 'bare axios: chunks of 1000, 10 in flight, a poll every 1 s, Retry-After honoured on 429',
      'Retry-After': 'whole seconds (the emulator default)',
    },
    figures,
    targets,
    notes,
  };
};
