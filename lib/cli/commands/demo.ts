import { Console } from 'node:console';
import { Command, Option } from 'commander';
import { lastValueFrom } from 'rxjs';
import { makeClient } from '../../client';
import { startEmulator } from '../../emulator';
import { syncRoster } from '../../pipelines/sync-roster';
import type { RetryEvent } from '../../types';
import { ExitCode } from '../cli-error';
import type { CliContext } from '../cli-context';
import { checkDemoReport, demoRoster } from '../demo-roster';
import { formatReport } from '../format-report';
import { integerIn } from '../option-parsers';
import { runSyncStream } from '../run-sync-stream';
import { createSyncOutput, outputMode } from '../sync-output';
import { openReportFile } from '../report-file';

interface DemoOptions {
  readonly members: number;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly processingDelayMs: number;
  /** The old spelling of `--processing-delay-ms`. */
  readonly processingDelay?: number;
  readonly seed: number;
  readonly report?: string;
  readonly json?: boolean;
}

/**
 * `vitable-connect demo`: starts the embedded emulator on a free loopback
 * port, creates a group, syncs a generated roster (10,000 members by default,
 * a few with problems planted on purpose), prints the report and checks it:
 * exit status 0 when exactly the planted problems were reported and every
 * other member synced, 1 otherwise. Needs no API key and no network.
 *
 * @internal
 * @example
 * // $ npx vitable-connect demo --members 2000
 */
export const demoCommand = (ctx: CliContext): Command =>
  new Command('demo')
    .description(
      'start the embedded emulator, create a group, sync a generated roster (a few members invalid on purpose) and print the report; no API key or network needed',
    )
    .addOption(
      new Option('--members <n>', 'members to generate')
        .argParser(integerIn(1, 10_000_000))
        .default(10_000),
    )
    .addOption(
      new Option('--batch-size <n>', 'members per sync request')
        .argParser(integerIn(1, 1000))
        .default(1000),
    )
    .addOption(
      new Option('--concurrency <n>', 'batches in flight at once')
        .argParser(integerIn(1, 64))
        .default(4),
    )
    .addOption(
      new Option('--processing-delay-ms <ms>', 'how long the emulator keeps a batch in flight')
        .argParser(integerIn(0))
        .default(50),
    )
    // the spelling of earlier releases, kept working but no longer listed
    .addOption(new Option('--processing-delay <ms>').argParser(integerIn(0)).hideHelp())
    .addOption(
      new Option('--seed <n>', 'seed of the generated roster')
        .argParser(integerIn(0))
        .default(20260115),
    )
    .option('--report <file>', 'write the report as JSON to this file')
    .option('--json', 'print every event as one JSON line instead of progress and a table')
    .action(async (opts: DemoOptions) => {
      const { io } = ctx;
      const processingDelayMs = opts.processingDelay ?? opts.processingDelayMs;
      const say = (text: string): void => {
        if (!opts.json) io.stdout.write(`${text}\n`);
      };
      const reportFile = await openReportFile(opts.report);
      const emulator = await startEmulator({ processingDelayMs });
      try {
        const output = createSyncOutput({
          mode: outputMode(opts, io.stderr),
          stdout: io.stdout,
          stderr: io.stderr,
          estimateTotal: () => opts.members,
        });
        const client = makeClient(
          {
            apiKey: emulator.apiKey,
            baseURL: emulator.url,
            logger: new Console({ stdout: io.stderr, stderr: io.stderr }),
            onRetry: (e: RetryEvent) => output.retry(e),
          },
          { env: {} },
        );
        say(
          `Emulator running at ${emulator.url} (organization ${emulator.organizationId}; nothing leaves this machine)`,
        );
        const group = await lastValueFrom(
          client.groups.create({ name: 'Demo group', external_reference_id: `demo-${opts.seed}` }),
        );
        say(`Created group ${group.id} "${group.name}"`);
        const roster = demoRoster(opts.members, emulator.planIds, opts.seed);
        say(
          `Syncing ${opts.members.toLocaleString('en-US')} generated members, ${roster.planted.length} with a problem planted on purpose…`,
        );
        const outcome = await runSyncStream(
          syncRoster(client, group.id, roster.members, {
            maxMembers: opts.batchSize,
            concurrency: opts.concurrency,
            poll: {
              initialDelayMs: Math.max(10, processingDelayMs),
              factor: 1.5,
              maxDelayMs: 1000,
            },
          }),
          output,
        );
        if (outcome.error !== undefined) throw outcome.error;
        const report = outcome.report!;
        await reportFile?.write(report);
        const problems = checkDemoReport(report, roster.planted, opts.members);
        if (opts.json) {
          io.stdout.write(
            `${JSON.stringify({ type: 'demo-check', ok: problems.length === 0, problems })}\n`,
          );
        } else {
          say(formatReport(report, { retries: output.retries }));
          say('');
          say('Planted on purpose:');
          for (const p of roster.planted)
            say(`  member ${p.index}: ${p.what} (expected stage: ${p.stage})`);
          say(
            problems.length === 0
              ? `Demo check: OK: each planted problem was reported at its member, and the other ${report.synced.toLocaleString('en-US')} members synced.`
              : `Demo check: FAILED:\n${problems.map((p) => `  ${p}`).join('\n')}`,
          );
        }
        ctx.exitCode = problems.length === 0 ? ExitCode.Ok : ExitCode.Failed;
      } finally {
        await reportFile?.discard();
        await emulator.stop();
      }
    });
