/**
 * Benchmarks 1 and 2: auto-paging and per-call overhead, each measured side by
 * side against a bare axios loop making the same requests to the same
 * emulator process, runs interleaved (the order rotates every run).
 */
import * as http from 'node:http';
import axios from 'axios';
import type { AxiosInstance } from 'axios';
import { concatMap, from } from 'rxjs';
import { createClient } from '../lib';
import type { Group, VitableConnect } from '../lib';
import { startEmulatorProcess } from './child';
import type { EmulatorProcess } from './child';
import { figure, median, rotate, say, timeMs } from './harness';
import type { BenchMode, BenchResult, Figure } from './harness';

// -------------------------------------------------------------------------------------
// clients
// -------------------------------------------------------------------------------------

/** A keep-alive agent: both the library and the bare loop get one of these, never shared. */
const keepAliveAgent = (): http.Agent => new http.Agent({ keepAlive: true });

const bareAxios = (emu: EmulatorProcess): AxiosInstance =>
  axios.create({
    baseURL: emu.url,
    httpAgent: keepAliveAgent(),
    headers: { Authorization: `Bearer ${emu.apiKey}`, Accept: 'application/json' },
  });

/**
 * The library as `createClient({ apiKey, baseURL })` makes it (its own axios
 * instance, on Node's global agent, which keeps connections alive since Node 19),
 * or given an axios instance with its own keep-alive agent.
 */
const libraryClient = (emu: EmulatorProcess, givenInstance: boolean): VitableConnect =>
  createClient({
    apiKey: emu.apiKey,
    baseURL: emu.url,
    ...(givenInstance ? { axios: axios.create({ httpAgent: keepAliveAgent() }) } : {}),
  });

// -------------------------------------------------------------------------------------
// setup
// -------------------------------------------------------------------------------------

/** Creates `count` groups through the API, `concurrency` at a time; returns their ids in order. */
const createGroups = async (ax: AxiosInstance, count: number, concurrency: number): Promise<string[]> => {
  const ids = new Array<string>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const res = await ax.post<{ data: Group }>('/v1/groups', {
        name: `Bench group ${i}`,
        external_reference_id: `bench-${i}`,
      });
      ids[i] = res.data.data.id;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
};

// -------------------------------------------------------------------------------------
// the loops being timed
// -------------------------------------------------------------------------------------

interface PageBody {
  readonly data: ReadonlyArray<{ readonly id: string }>;
  readonly pagination: { readonly total_pages: number };
}

/** The floor: GET page after page until `total_pages` (or an empty page). */
const bareListAll = async (ax: AxiosInstance, limit: number): Promise<string[]> => {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const res = await ax.get<PageBody>('/v1/groups', { params: { page, limit } });
    for (const g of res.data.data) ids.push(g.id);
    if (res.data.data.length === 0 || page >= res.data.pagination.total_pages) return ids;
  }
};

const libraryListAll = (client: VitableConnect, limit: number, prefetch: number): Promise<string[]> =>
  new Promise((resolve, reject) => {
    const ids: string[] = [];
    client.groups.listAll({ limit, prefetch }).subscribe({
      next: (g) => ids.push(g.id),
      error: reject,
      complete: () => resolve(ids),
    });
  });

const bareRetrieveAll = async (ax: AxiosInstance, ids: ReadonlyArray<string>): Promise<number> => {
  let n = 0;
  for (const id of ids) {
    const res = await ax.get<{ data: Group }>(`/v1/groups/${encodeURIComponent(id)}`);
    if (res.data.data.id === id) n++;
  }
  return n;
};

const libraryRetrieveAll = (client: VitableConnect, ids: ReadonlyArray<string>): Promise<number> =>
  new Promise((resolve, reject) => {
    let n = 0;
    from(ids)
      .pipe(concatMap((id) => client.groups.retrieve(id)))
      .subscribe({
        next: () => n++,
        error: reject,
        complete: () => resolve(n),
      });
  });

// -------------------------------------------------------------------------------------
// benchmarks
// -------------------------------------------------------------------------------------

interface Variant {
  readonly name: string;
  readonly run: () => Promise<ReadonlyArray<string> | number>;
}

/** Times every variant `runs` times, interleaved; checks each run returns what the first variant's warm-up did. */
const measure = async (
  variants: ReadonlyArray<Variant>,
  runs: number,
  check: (value: ReadonlyArray<string> | number) => string | undefined,
  /** Back-to-back repetitions in one timed run (a run's time is their total). */
  repeat = 1,
): Promise<{ times: Map<string, number[]>; problems: string[] }> => {
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const problems: string[] = [];
  for (const v of variants) {
    const problem = check(await v.run()); // warm-up: JIT, sockets
    if (problem !== undefined) problems.push(`${v.name}: ${problem}`);
  }
  for (let r = 0; r < runs; r++) {
    for (const v of rotate(variants, r)) {
      const values: Array<ReadonlyArray<string> | number> = [];
      const ms = await timeMs(async () => {
        for (let k = 0; k < repeat; k++) values.push(await v.run());
      });
      for (const value of values) {
        const problem = check(value);
        if (problem !== undefined) problems.push(`${v.name} run ${r + 1}: ${problem}`);
      }
      times.get(v.name)?.push(ms);
    }
  }
  return { times, problems };
};

/** Per-run ratios a/b of two variants timed in the same round. */
const ratios = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number[] => a.map((x, i) => x / b[i]);

const sameIds =
  (expected: ReadonlyArray<string>) =>
  (value: ReadonlyArray<string> | number): string | undefined => {
    if (typeof value === 'number') return 'expected ids';
    if (value.length !== expected.length) return `got ${value.length} groups, expected ${expected.length}`;
    for (let i = 0; i < value.length; i++)
      if (value[i] !== expected[i]) return `group ${i} is ${value[i]}, expected ${expected[i]} (order differs)`;
    return undefined;
  };

/** Walks of the whole list in one timed run of the no-latency phase of benchmark 1. */
const WALKS = 5;

/** Runs benchmarks 1 (auto-paging) and 2 (per-call overhead) against one emulator process. */
export const runHttpBenches = async (mode: BenchMode): Promise<BenchResult[]> => {
  const groupCount = mode.quick ? 2_000 : 10_000;
  const limit = 100;
  const calls = mode.quick ? 400 : 2_000;
  const latencyMs = 20;

  const emu = await startEmulatorProcess({ processingDelayMs: 0 });
  try {
    const setupAx = bareAxios(emu);
    say(`creating ${groupCount} groups in the emulator (pid ${emu.pid}), one at a time so their order is known…`);
    const ids = await createGroups(setupAx, groupCount, 1);

    const bare = bareAxios(emu);
    const lib = libraryClient(emu, false);
    const libGiven = libraryClient(emu, true);

    // ---- 1. auto-paging ------------------------------------------------------------
    const pagingVariants: Variant[] = [
      { name: 'bare axios loop', run: () => bareListAll(bare, limit) },
      { name: 'listAll prefetch 1', run: () => libraryListAll(lib, limit, 1) },
      { name: 'listAll prefetch 4', run: () => libraryListAll(lib, limit, 4) },
      { name: 'listAll prefetch 1, given axios instance', run: () => libraryListAll(libGiven, limit, 1) },
    ];
    // without latency one walk takes ~0.1 s, so short that scheduling and GC
    // pauses swing the per-round ratios by ±20%: each timed run walks the list
    // WALKS times
    say(`1. auto-paging ${groupCount} groups, no added latency, ${mode.runs} interleaved runs of ${WALKS} walks…`);
    const fast = await measure(pagingVariants, mode.runs, sameIds(ids), WALKS);
    await emu.setFaults({ latencyMs });
    say(`1. auto-paging ${groupCount} groups, +${latencyMs} ms per request…`);
    const slow = await measure(pagingVariants, mode.runs, sameIds(ids));
    await emu.setFaults({ latencyMs: 0 });

    const t = (m: Map<string, number[]>, name: string): number[] => m.get(name) ?? [];
    const p1VsBare = ratios(t(fast.times, 'listAll prefetch 1'), t(fast.times, 'bare axios loop'));
    const p1VsBareSlow = ratios(t(slow.times, 'listAll prefetch 1'), t(slow.times, 'bare axios loop'));
    const p1VsP4Slow = ratios(t(slow.times, 'listAll prefetch 1'), t(slow.times, 'listAll prefetch 4'));
    const givenVsBare = ratios(t(fast.times, 'listAll prefetch 1, given axios instance'), t(fast.times, 'bare axios loop'));
    const pagingFigures: Figure[] = [
      ...pagingVariants.map((v) => figure(`${v.name} (no latency, ${WALKS} walks)`, 'ms', t(fast.times, v.name))),
      ...pagingVariants.map((v) => figure(`${v.name} (+${latencyMs} ms/request)`, 'ms', t(slow.times, v.name))),
      figure('prefetch 1 / bare (no latency)', '×', p1VsBare),
      figure(`prefetch 1 / bare (+${latencyMs} ms)`, '×', p1VsBareSlow),
      figure(`prefetch 1 / prefetch 4 (+${latencyMs} ms) = speed-up`, '×', p1VsP4Slow),
      figure('prefetch 1, given axios instance / bare (no latency)', '×', givenVsBare),
    ];
    const paging: BenchResult = {
      id: 'auto-paging',
      title: `1. Auto-paging ${groupCount.toLocaleString('en-US')} groups (limit ${limit})`,
      params: {
        groups: groupCount,
        limit,
        pages: Math.ceil(groupCount / limit),
        runs: mode.runs,
        agent:
          "bare loop: own http.Agent({ keepAlive: true }); library: createClient's own axios instance (Node's global agent, keep-alive); 'given axios instance': createClient({ axios }) with its own keep-alive agent",
        'added latency (2nd phase)': `${latencyMs} ms`,
      },
      figures: pagingFigures,
      targets: [
        {
          description: 'prefetch 1 within 10% of the bare loop (no latency; median of per-round ratios <= 1.10)',
          measured: `${median(p1VsBare).toFixed(3)}×`,
          met: median(p1VsBare) <= 1.1,
        },
        {
          description: `prefetch 4 at least 3× faster than prefetch 1 with +${latencyMs} ms per request`,
          measured: `${median(p1VsP4Slow).toFixed(2)}×`,
          met: median(p1VsP4Slow) >= 3,
        },
      ],
      notes: [
        'Each round times the variants back to back in rotating order; one untimed warm-up round first.',
        `Without latency each timed run walks all ${groupCount.toLocaleString('en-US')} groups ${WALKS} times (a single walk takes ~0.1 s, too short to time steadily on a shared machine); with latency, once.`,
        'Every run was checked to return all groups, in creation order (groups were created one at a time).',
        '`prefetch` is the number of pages in flight ahead of what was emitted (lib/operators/auto-page.ts): prefetch 1 is one request at a time like the bare loop, prefetch 4 overlaps four.',
        'The library line of the target is `createClient({ apiKey, baseURL })`, as users get it; a client given an axios instance passes a DOM AbortSignal with every request (its interceptors may need one), which costs more per request: its line is shown for comparison.',
        ...fast.problems,
        ...slow.problems,
      ],
    };

    // ---- 2. per-call overhead -------------------------------------------------------
    const callIds = Array.from({ length: calls }, (_, i) => ids[(i * 7) % ids.length]);
    const count = (value: ReadonlyArray<string> | number): string | undefined =>
      value === calls ? undefined : `got ${String(value)} groups back, expected ${calls}`;
    const callVariants: Variant[] = [
      { name: 'bare axios', run: () => bareRetrieveAll(bare, callIds) },
      { name: 'library', run: () => libraryRetrieveAll(lib, callIds) },
      { name: 'library, given axios instance', run: () => libraryRetrieveAll(libGiven, callIds) },
    ];
    say(`2. ${calls} sequential groups.retrieve calls, ${mode.runs} interleaved runs…`);
    const perCall = await measure(callVariants, mode.runs, count);
    const libVsBare = ratios(t(perCall.times, 'library'), t(perCall.times, 'bare axios'));
    const givenVsBareCall = ratios(t(perCall.times, 'library, given axios instance'), t(perCall.times, 'bare axios'));
    const perCallResult: BenchResult = {
      id: 'per-call-overhead',
      title: `2. Per-call overhead: ${calls.toLocaleString('en-US')} sequential groups.retrieve calls`,
      params: {
        calls,
        runs: mode.runs,
        agent:
          "bare loop: own http.Agent({ keepAlive: true }); library: createClient's own axios instance (Node's global agent, keep-alive); 'given axios instance': createClient({ axios }) with its own keep-alive agent",
      },
      figures: [
        ...callVariants.map((v) => figure(v.name, 'ms', t(perCall.times, v.name))),
        ...callVariants.map((v) =>
          figure(`${v.name} per call`, 'µs', t(perCall.times, v.name).map((ms) => (ms * 1000) / calls)),
        ),
        figure('library / bare', '×', libVsBare),
        figure('library, given axios instance / bare', '×', givenVsBareCall),
      ],
      targets: [
        {
          description: 'library at most 15% slower than bare axios (median of per-round ratios <= 1.15)',
          measured: `${median(libVsBare).toFixed(3)}×`,
          met: median(libVsBare) <= 1.15,
        },
      ],
      notes: [
        'The library decodes every response with io-ts and wraps it in an Observable; the bare loop only reads `data.id`.',
        "The target's library line is `createClient({ apiKey, baseURL })`; Node >= 19's global agent keeps connections alive like the bare loop's own agent.",
        'A client given an axios instance passes a DOM AbortSignal with every request (its interceptors and adapters may need one); its own instance uses a lighter signal axios accepts (lib/http/request-canceller.ts).',
        ...perCall.problems,
      ],
    };
    return [paging, perCallResult];
  } finally {
    await emu.stop();
  }
};
