import type { SyncReport } from '../pipelines/sync-events';
import type { DryRunReport } from './dry-run';
import type { InterruptedReport } from './partial-report';

const n = (x: number): string => x.toLocaleString('en-US');

const rows = (pairs: ReadonlyArray<readonly [string, string]>): string => {
  const width = Math.max(...pairs.map(([k]) => k.length));
  const valueWidth = Math.max(...pairs.map(([, v]) => v.length));
  return pairs.map(([k, v]) => `  ${k.padEnd(width)}  ${v.padStart(valueWidth)}`).join('\n');
};

const failureTable = (report: Pick<SyncReport, 'failures'>, maxFailures: number): string => {
  const total = report.failures.length;
  if (total === 0) return '';
  const shown = report.failures.slice(0, maxFailures);
  const header = ['INDEX', 'STAGE', 'REFERENCE_ID', 'REASON'] as const;
  const cells = shown.map((f) => [
    f.index === undefined ? '-' : String(f.index),
    f.stage + (f.operation ? `/${f.operation}` : ''),
    f.reference_id ?? '-',
    f.reason,
  ]);
  const width = (i: number, max = 40): number =>
    Math.min(max, Math.max(header[i]!.length, ...cells.map((c) => c[i]!.length)));
  const [w0, w1, w2] = [width(0), width(1), width(2, 24)];
  const line = (c: ReadonlyArray<string>): string =>
    `  ${c[0]!.padStart(w0)}  ${c[1]!.padEnd(w1)}  ${c[2]!.padEnd(w2)}  ${c[3]}`;
  const title =
    total > shown.length
      ? `Failures (first ${shown.length} of ${n(total)}; --report <file> writes them all):`
      : `Failures (${n(total)}):`;
  return ['', title, line(header), ...cells.map(line)].join('\n');
};

/**
 * The summary table printed after a sync: the counts of the {@link SyncReport},
 * the rate, and the first failures with their line and reason. An
 * interrupted sync's report is titled so, with its `unfinished` count.
 *
 * @internal
 * @example
 * process.stdout.write(formatReport(report) + '\n');
 * // Sync report for group grp_123
 * //   read     10,000
 * //   synced    9,994 …
 */
export const formatReport = (
  report: SyncReport | InterruptedReport,
  options: { readonly maxFailures?: number; readonly retries?: number } = {},
): string => {
  const seconds = report.durationMs / 1000;
  const rate =
    seconds > 0 ? Math.round((report.invalid + report.failed + report.synced) / seconds) : 0;
  const server = report.failures.filter((f) => f.stage === 'server').length;
  const request = report.failures.filter((f) => f.stage === 'request').length;
  const pairs: Array<readonly [string, string]> = [
    ['read', n(report.read)],
    ['synced', n(report.synced)],
    ['invalid', n(report.invalid)],
    [
      'failed',
      report.failed > 0 ? `${n(report.failed)} (server ${n(server)}, request ${n(request)})` : '0',
    ],
    ['added', n(report.added)],
    ['removed', n(report.removed)],
    ['batches', n(report.requestIds.length)],
    ['duration', `${seconds.toFixed(1)} s`],
    ['rate', `${n(rate)} members/s`],
  ];
  if (options.retries) pairs.push(['retries', n(options.retries)]);
  const partial = 'interrupted' in report;
  if (partial) pairs.splice(4, 0, ['unfinished', n(report.unfinished)]);
  const title = partial
    ? `Sync interrupted: partial report for group ${report.groupId}`
    : `Sync report for group ${report.groupId}`;
  return `${title}\n${rows(pairs)}${failureTable(report, options.maxFailures ?? 20)}`;
};

/**
 * The summary printed after `sync --dry-run`.
 *
 * @internal
 * @example
 * process.stdout.write(formatDryRun(report) + '\n');
 */
export const formatDryRun = (
  report: DryRunReport,
  options: { readonly maxFailures?: number } = {},
): string =>
  `Dry run for group ${report.groupId} (nothing was sent)\n` +
  rows([
    ['read', n(report.read)],
    ['valid', n(report.valid)],
    ['invalid', n(report.invalid)],
    ['duration', `${(report.durationMs / 1000).toFixed(1)} s`],
  ]) +
  failureTable(report, options.maxFailures ?? 20);
