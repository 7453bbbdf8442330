/**
 * Measurement helpers shared by every benchmark: medians, timers, targets and
 * the result shapes written to `bench/results.json`.
 *
 * Benchmarks assert nothing; each figure is the median of several runs and
 * each target is printed with whether it was met.
 */
import { performance } from 'node:perf_hooks';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One measured quantity: every run's value and their median. */
export interface Figure {
  readonly name: string;
  readonly unit: string;
  readonly runs: ReadonlyArray<number>;
  readonly median: number;
}

/** A target, the value it was judged on, and whether it was met. */
export interface Target {
  readonly description: string;
  readonly measured: string;
  readonly met: boolean;
}

/** What one benchmark reports. */
export interface BenchResult {
  readonly id: string;
  readonly title: string;
  /** Settings the figures were measured with (sizes, concurrency, agents…). */
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly figures: ReadonlyArray<Figure>;
  readonly targets: ReadonlyArray<Target>;
  /** Free-form remarks printed under the table. */
  readonly notes: ReadonlyArray<string>;
}

/** Full or quick (smoke) mode and the sizes each implies. */
export interface BenchMode {
  readonly quick: boolean;
  readonly runs: number;
  /** Runs of the (long) roster sync benchmark: 5 unless `BENCH_RUNS` says otherwise. */
  readonly rosterRuns: number;
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** The median of a non-empty list (mean of the two middle values for even lengths). */
export const median = (values: ReadonlyArray<number>): number => {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Builds a {@link Figure} from its runs. */
export const figure = (name: string, unit: string, runs: ReadonlyArray<number>): Figure => ({
  name,
  unit,
  runs: [...runs],
  median: median(runs),
});

/** Milliseconds taken by `task`. */
export const timeMs = async (task: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await task();
  return performance.now() - start;
};

/** `variants` rotated by `run`, so that no variant always goes first (interleaving). */
export const rotate = <A>(variants: ReadonlyArray<A>, run: number): A[] => {
  const k = run % variants.length;
  return [...variants.slice(k), ...variants.slice(0, k)];
};

/** Rounds for display: 3 significant figures below 100, integers above. */
export const fmt = (value: number): string =>
  !Number.isFinite(value)
    ? String(value)
    : Math.abs(value) >= 100
      ? Math.round(value).toLocaleString('en-US')
      : Number(value.toPrecision(3)).toString();

/** Prints a benchmark's figures and targets to stdout. */
export const printResult = (result: BenchResult): void => {
  const lines = [`\n== ${result.title}`];
  lines.push(
    `   ${Object.entries(result.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
  for (const f of result.figures)
    lines.push(`   ${f.name}: median ${fmt(f.median)} ${f.unit}  (runs: ${f.runs.map(fmt).join(', ')})`);
  for (const t of result.targets)
    lines.push(`   target: ${t.description} -> ${t.measured}: ${t.met ? 'MET' : 'MISSED'}`);
  for (const n of result.notes) lines.push(`   note: ${n}`);
  console.log(lines.join('\n'));
};

/** Reads the mode from `BENCH_QUICK` (`1` = quick smoke run) and `BENCH_RUNS`. */
export const benchMode = (env: NodeJS.ProcessEnv = process.env): BenchMode => {
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  const explicit = Number(env.BENCH_RUNS ?? '');
  const runs = Math.max(1, explicit || (quick ? 5 : 7));
  return { quick, runs, rosterRuns: Math.max(1, explicit || 5) };
};

/** Logs a progress line to stderr (kept off stdout so results stay readable). */
export const say = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};
