/**
 * Benchmark 3: roster sync into an emulator running in a separate process.
 * Every run gets a fresh emulator process (so stored members never pile up
 * across runs) and a fresh client process (so its peak RSS is that size's
 * alone); the two roster sizes alternate run by run.
 */
import axios from 'axios';
import type { Group } from '../lib';
import { runWorker, startEmulatorProcess } from './child';
import { figure, median, rotate, say } from './harness';
import type { BenchMode, BenchResult } from './harness';
import type { RosterWorkerInput, RosterWorkerOutput } from './roster-worker';

/** Settings of the sync (reported with the figures). */
export const ROSTER_SETTINGS = {
  maxMembers: 1000,
  concurrency: 8,
  poll: { initialDelayMs: 5, factor: 2, maxDelayMs: 100 },
} as const;

/**
 * Syncs `size` members once, in fresh emulator and client processes; with
 * `journal`, a path, the sync keeps a `fileJournal` there (benchmark 6).
 */
export const syncOnce = async (
  size: number,
  { execArgv = [], journal }: { readonly execArgv?: ReadonlyArray<string>; readonly journal?: string } = {},
): Promise<RosterWorkerOutput> => {
  const emu = await startEmulatorProcess({ processingDelayMs: 0, maxMembersPerSync: ROSTER_SETTINGS.maxMembers });
  try {
    const res = await axios.post<{ data: Group }>(
      `${emu.url}/v1/groups`,
      { name: `Roster ${size}`, external_reference_id: `roster-${size}` },
      { headers: { Authorization: `Bearer ${emu.apiKey}` } },
    );
    const input: RosterWorkerInput = {
      url: emu.url,
      apiKey: emu.apiKey,
      groupId: res.data.data.id,
      planIds: emu.planIds,
      size,
      ...ROSTER_SETTINGS,
      ...(journal !== undefined ? { journal } : {}),
    };
    const out = await runWorker<RosterWorkerOutput>('roster-worker', input, execArgv);
    const stored = await emu.memberCount(input.groupId);
    if (stored !== out.synced)
      throw new Error(`the emulator holds ${stored} members but the client reported ${out.synced} synced`);
    return out;
  } finally {
    await emu.stop();
  }
};

/** Runs benchmark 3. */
export const runRosterBench = async (mode: BenchMode): Promise<BenchResult> => {
  const sizes = mode.quick ? [10_000, 100_000] : [100_000, 1_000_000];
  const results = new Map<number, RosterWorkerOutput[]>(sizes.map((s) => [s, []]));
  const problems: string[] = [];
  for (let r = 0; r < mode.rosterRuns; r++) {
    for (const size of rotate(sizes, r)) {
      say(`3. roster sync of ${size.toLocaleString('en-US')} members, run ${r + 1}/${mode.rosterRuns}…`);
      const out = await syncOnce(size);
      if (out.read !== size || out.synced !== size)
        problems.push(`run ${r + 1}, ${size}: read ${out.read}, synced ${out.synced}, failed ${out.failed}` +
          (out.firstError === undefined ? '' : ` (first error: ${out.firstError})`));
      say(
        `   ${Math.round(out.membersPerSecond).toLocaleString('en-US')} members/s, peak RSS ${out.peakRssMB.toFixed(1)} MB, ` +
          `peak heap ${out.peakHeapMB.toFixed(1)} MB`,
      );
      results.get(size)?.push(out);
    }
  }
  const [small, large] = sizes;
  const of = (size: number): RosterWorkerOutput[] => results.get(size) ?? [];
  const rate = (size: number): number[] => of(size).map((o) => o.membersPerSecond);
  const rss = (size: number): number[] => of(size).map((o) => o.peakRssMB);
  const rssRatio = rss(large).map((x, i) => x / rss(small)[i]);
  const minRate = Math.min(median(rate(small)), median(rate(large)));
  const label = (n: number): string => n.toLocaleString('en-US');
  return {
    id: 'roster-sync',
    title: '3. Roster sync into an emulator in a separate process (processing delay 0)',
    params: {
      sizes: sizes.map(label).join(' and '),
      runs: mode.rosterRuns,
      maxMembers: ROSTER_SETTINGS.maxMembers,
      concurrency: ROSTER_SETTINGS.concurrency,
      poll: `initialDelayMs ${ROSTER_SETTINGS.poll.initialDelayMs}, factor ${ROSTER_SETTINGS.poll.factor}, maxDelayMs ${ROSTER_SETTINGS.poll.maxDelayMs}`,
      source: 'sync generator, one member at a time',
      client: 'createClient defaults (its own axios instance)',
    },
    figures: [
      ...sizes.map((s) => figure(`${label(s)} members: throughput`, 'members/s', rate(s))),
      ...sizes.map((s) => figure(`${label(s)} members: wall time`, 'ms', of(s).map((o) => o.ms))),
      ...sizes.map((s) => figure(`${label(s)} members: client peak RSS`, 'MB', rss(s))),
      ...sizes.map((s) => figure(`${label(s)} members: client peak heapUsed (50 ms samples)`, 'MB', of(s).map((o) => o.peakHeapMB))),
      figure(`peak RSS ${label(large)} / ${label(small)}`, '×', rssRatio),
    ],
    targets: [
      {
        description: 'at least 50,000 members/s (the slower size\'s median)',
        measured: `${Math.round(minRate).toLocaleString('en-US')} members/s`,
        met: minRate >= 50_000,
      },
      {
        description: `peak RSS for ${label(large)} within 1.3× of that for ${label(small)} (median of per-round ratios)`,
        measured: `${median(rssRatio).toFixed(2)}×`,
        met: median(rssRatio) <= 1.3,
      },
    ],
    notes: [
      'Each run: a fresh emulator process and a fresh client process; throughput = synced members / wall time of the whole syncRoster subscription (validation, batching, submit, polling).',
      'After each run the emulator was asked how many members the group holds; it matched the synced count.',
      ...problems,
    ],
  };
};
