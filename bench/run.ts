/**
 * `npm run bench`: runs the benchmarks, prints each target and whether it
 * was met, writes `bench/results.json` and renders `docs/benchmarks.md`.
 * Asserts nothing: the exit status is 0 unless a benchmark could not run.
 *
 * Environment: `BENCH_QUICK=1` for a fast smoke run (smaller sizes),
 * `BENCH_RUNS=n` to change the number of runs (default 7, quick 5; roster sync 5),
 * `BENCH_ONLY=http,roster,validation,realistic,resume` to run a subset (results of the
 * others are kept from the previous `bench/results.json`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchMode, printResult, say } from './harness';
import type { BenchResult } from './harness';
import { runHttpBenches } from './http-benches';
import { machineInfo, renderDocs, repoRoot, writeJson } from './report';
import type { BenchFile } from './report';
import { runRealisticBench } from './realistic-bench';
import { runResumeBench } from './resume-bench';
import { runRosterBench } from './roster-bench';
import { runValidationBench } from './validation-bench';

const ALL = ['http', 'roster', 'validation', 'realistic', 'resume'] as const;
type Part = (typeof ALL)[number];

const main = async (): Promise<void> => {
  const mode = benchMode();
  const only = (process.env.BENCH_ONLY ?? '').split(',').filter((s) => s.length > 0);
  const parts = ALL.filter((p) => only.length === 0 || only.includes(p));
  const started = new Date();
  const t0 = performance.now();
  say(`mode ${mode.quick ? 'quick' : 'full'}, ${mode.runs} runs per figure, parts: ${parts.join(', ')}`);

  const loads: number[] = [os.loadavg()[0]];
  const sampler = setInterval(() => loads.push(os.loadavg()[0]), 5000);
  const produced: BenchResult[] = [];
  const run = async (part: Part, task: () => Promise<BenchResult | BenchResult[]>): Promise<void> => {
    if (!parts.includes(part)) return;
    const out = await task();
    for (const r of Array.isArray(out) ? out : [out]) {
      printResult(r);
      produced.push(r);
    }
  };
  await run('validation', () => runValidationBench(mode));
  await run('http', () => runHttpBenches(mode));
  await run('roster', () => runRosterBench(mode));
  await run('realistic', () => runRealisticBench(mode));
  await run('resume', () => runResumeBench(mode));

  clearInterval(sampler);
  const file = path.join(repoRoot(), 'bench', 'results.json');
  const order = ['auto-paging', 'per-call-overhead', 'roster-sync', 'validation-batching', 'realistic-sync', 'journal'];
  const previous = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as BenchFile) : undefined;
  const kept =
    only.length > 0 && previous !== undefined && previous.mode === (mode.quick ? 'quick' : 'full')
      ? previous.results
          .filter((r) => !produced.some((p) => p.id === r.id))
          .map((r) => {
            const note = `Kept from the run of ${previous.startedAt} (BENCH_ONLY ran the others later).`;
            return r.notes.some((n) => n.startsWith('Kept from')) ? r : { ...r, notes: [...r.notes, note] };
          })
      : [];
  const results = [...produced, ...kept].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  const out: BenchFile = {
    mode: mode.quick ? 'quick' : 'full',
    runs: mode.runs,
    startedAt: started.toISOString(),
    durationS: (performance.now() - t0) / 1000,
    machine: machineInfo(),
    loadDuringRun: {
      mean: Math.round((loads.reduce((a, b) => a + b, 0) / loads.length) * 100) / 100,
      max: Math.round(Math.max(...loads) * 100) / 100,
    },
    results,
  };
  writeJson(file, out);
  renderDocs();
  const missed = results.flatMap((r) => r.targets.filter((t) => !t.met).map((t) => `${r.title}: ${t.description}`));
  console.log(`\nWrote bench/results.json and docs/benchmarks.md (${out.durationS.toFixed(0)} s).`);
  console.log(missed.length === 0 ? 'All targets met.' : `Targets missed:\n  ${missed.join('\n  ')}`);
};

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
