import { promises as fs } from 'node:fs';
import { Command, Option } from 'commander';
import { lastValueFrom, tap } from 'rxjs';
import { JournalError, redact } from '../../errors';
import { fileJournal } from '../../journal/file-journal';
import type { SyncReport } from '../../pipelines/sync-events';
import type { RetryEvent } from '../../types';
import { CliError, ExitCode } from '../cli-error';
import type { CliContext, GlobalOptions } from '../cli-context';
import { dryRun, type DryRunReport } from '../dry-run';
import { formatDryRun, formatReport } from '../format-report';
import type { InterruptCause } from '../interrupts';
import { interruptionNotice } from '../interruption-notice';
import { integerIn, nonEmpty } from '../option-parsers';
import type { InterruptedReport } from '../partial-report';
import { openReportFile } from '../report-file';
import { openRoster, type OpenedRoster, type RosterFormat } from '../roster/open-roster';
import { primeRecords } from '../roster/prime-records';
import { refuseRosterAsOutput } from '../same-file';
import { syncFile } from '../sync-file';
import { createSyncOutput, outputMode } from '../sync-output';
import { runSyncStream } from '../run-sync-stream';

interface SyncOptions {
  readonly group: string;
  readonly batchSize: number;
  readonly concurrency?: number;
  readonly maxBytes?: number;
  readonly dryRun?: boolean;
  readonly report?: string;
  readonly json?: boolean;
  readonly format?: RosterFormat;
  readonly pollInterval?: number;
  readonly journal?: string;
}

/** A report's exit status: 0 when every member read synced (or, dry, is valid), else 1. @internal */
export const reportExitCode = (report: SyncReport | DryRunReport): ExitCode =>
  report.invalid + report.failed === 0 ? ExitCode.Ok : ExitCode.Failed;

const estimator =
  (roster: OpenedRoster) =>
  (read: number): number | undefined => {
    const size = roster.sizeBytes;
    const bytes = roster.bytesRead();
    if (size === undefined || bytes === 0) return undefined;
    return Math.round((read * size) / Math.min(bytes, size));
  };

/**
 * `vitable-connect sync <file|-> --group <id>`: streams a CSV or NDJSON roster
 * into a group. Members are read lazily, validated, batched (`--batch-size`,
 * at most `--concurrency` batches in flight), submitted and polled; every
 * record of the file ends up synced, invalid (with its line) or failed (with the
 * server's reason). `--dry-run` validates only and sends nothing (no API key
 * needed). Progress: a bar on a terminal, a line per batch otherwise, or
 * `--json` events; then a summary table. `--report <file>` writes the
 * `SyncReport` as JSON, atomically (a temporary file renamed into place), and
 * is refused when it is the roster itself. `--journal <file>` makes the sync
 * resumable: the same command again after a crash or Ctrl-C resumes it. Ctrl-C, SIGTERM or a closed
 * standard output stop the sync: the partial report (`"interrupted": true`)
 * is printed and written, standard error says how to run it again, and the
 * exit status is 130. Exit status 0 when every member synced, 1 when some did
 * not, 2 for usage or configuration errors (bad arguments, unreadable file,
 * bad CSV header, missing or rejected key), printed alone.
 *
 * @internal
 * @example
 * // $ vitable-connect sync roster.csv --group grp_abc123 --report report.json
 * // $ cat roster.ndjson | vitable-connect sync - --group grp_abc123 --json
 */
export const syncCommand = (ctx: CliContext): Command =>
  new Command('sync')
    .description('stream a CSV or NDJSON roster (or - for standard input) into a group')
    .argument('<file>', 'roster file (.csv, .ndjson/.jsonl), or - to read standard input')
    .addOption(
      new Option('--group <id>', 'group to sync into (grp_…)')
        .argParser(nonEmpty('--group'))
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--batch-size <n>', 'members per sync request, 1 to 1000')
        .argParser(integerIn(1, 1000))
        .default(1000),
    )
    .addOption(
      new Option('--concurrency <n>', 'batches in flight at once (default: adaptive, see the flow control of syncRoster)')
        .argParser(integerIn(1, 64)),
    )
    .addOption(
      new Option('--max-bytes <n>', 'largest request body in bytes (default 1000000)').argParser(
        integerIn(64),
      ),
    )
    .addOption(
      new Option(
        '--format <format>',
        'roster format (default: by extension, else sniffed)',
      ).choices(['csv', 'ndjson']),
    )
    .option('--dry-run', 'validate only: read and check every member, send nothing')
    .option('--report <file>', 'write the report as JSON to this file')
    .option('--json', 'print every event as one JSON line instead of progress and a table')
    .option('--journal <file>', 'make the sync resumable: a new journal, or resume the sync this one records')
    .addOption(
      new Option(
        '--poll-interval <ms>',
        'first wait before polling a batch, doubling up to 30 s (default: learned from the server)',
      ).argParser(integerIn(1)),
    )
    .action(async (file: string, opts: SyncOptions, cmd: Command) => {
      const { io } = ctx;
      const abort = new AbortController();
      let cause: InterruptCause | undefined;
      let stopListening = (): void => undefined;
      try {
        await refuseRosterAsOutput(file, opts.report, '--report');
        await refuseRosterAsOutput(file, opts.journal, '--journal');
        let onRetry: (e: RetryEvent) => void = () => undefined;
        const client = opts.dryRun
          ? undefined
          : ctx.client(cmd.optsWithGlobals<GlobalOptions>(), { onRetry: (e) => onRetry(e) });
        const roster = await openRoster(file, { stdin: io.stdin, format: opts.format });
        let reportFile: Awaited<ReturnType<typeof openReportFile>>;
        try {
          // a bad header or an empty file is a usage error: said alone, before any report
          const records = await primeRecords(roster.records);
          if (client === undefined) {
            reportFile = await openReportFile(opts.report);
            const report = await dryRun(opts.group, records, {
              ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
              onInvalid: (e) => {
                if (opts.json) io.stdout.write(`${JSON.stringify(e)}\n`);
              },
            });
            if (opts.json) io.stdout.write(`${JSON.stringify({ type: 'done', report })}\n`);
            else io.stdout.write(`${formatDryRun(report)}\n`);
            await reportFile?.write(report);
            ctx.exitCode = reportExitCode(report);
            return;
          }
          // fail early, before syncing, when the group is missing or the key is rejected
          await lastValueFrom(client.groups.retrieve(opts.group));
          // opened last before the sync, from when on an interruption is handled and the file written
          reportFile = await openReportFile(opts.report);
          const output = createSyncOutput({
            mode: outputMode(opts, io.stderr),
            stdout: io.stdout,
            stderr: io.stderr,
            estimateTotal: estimator(roster),
          });
          onRetry = (e) => output.retry(e);
          const journal = opts.journal === undefined ? undefined : fileJournal(opts.journal);
          if (journal !== undefined) {
            const size = await fs.stat(journal.path).then(
              (st) => st.size,
              () => 0,
            );
            if (size === 0)
              io.stderr.write(`started a new journal: ${journal.path} (run the same command again to resume)\n`);
          }
          // from here on Ctrl-C, SIGTERM or a closed output stop the sync cleanly
          stopListening = ctx.interrupts.onInterrupt((c) => {
            cause = c;
            abort.abort();
          });
          const outcome = await runSyncStream(
            syncFile(
              client,
              opts.group,
              records,
              {
                ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
                maxMembers: opts.batchSize,
                ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
                ...(opts.pollInterval !== undefined ? { poll: { initialDelayMs: opts.pollInterval } } : {}),
                ...(journal !== undefined ? { journal } : {}),
              },
              { signal: abort.signal, now: ctx.now },
            ).pipe(
              tap((e) => {
                if (e.type === 'resumed')
                  io.stderr.write(
                    `resuming the sync recorded in journal ${opts.journal ?? ''}: ${e.completed} batches completed ` +
                      `(not sent again), ${e.inFlight} in flight (polled or replayed by their key), ${e.unsent} unsent\n`,
                  );
              }),
            ),
            output,
          );
          if (outcome.report) {
            if (!opts.json && !ctx.interrupts.isOutputClosed)
              io.stdout.write(
                `${redact(formatReport(outcome.report, { retries: output.retries }))}\n`,
              );
            await reportFile?.write(outcome.report);
          }
          if (outcome.interrupted && cause !== undefined) {
            io.stderr.write(
              interruptionNotice({
                cause,
                report: outcome.report as InterruptedReport,
                argv: ctx.argv,
                reportPath: reportFile?.path,
                journal: journal !== undefined,
              }),
            );
            ctx.exitCode = ExitCode.Interrupted;
            return;
          }
          await journal?.close();
          if (outcome.error instanceof JournalError)
            throw new CliError(
              `${outcome.error.message}\n(the journal ${opts.journal ?? ''} belongs to another sync, or is damaged: ` +
                'run with the group, roster and --batch-size/--max-bytes it was written for, or with another --journal file)',
              ExitCode.Usage,
            );
          if (outcome.error !== undefined) throw outcome.error;
          ctx.exitCode = reportExitCode(outcome.report!);
        } finally {
          roster.close();
          await reportFile?.discard();
        }
      } finally {
        stopListening();
      }
    });
