import { Command, Option } from 'commander';
import { lastValueFrom, of } from 'rxjs';
import type { SyncRequest } from '../../codecs';
import { pollUntilComplete } from '../../operators/poll-until-complete';
import { ExitCode } from '../cli-error';
import type { CliContext, GlobalOptions } from '../cli-context';
import type { CliOutput } from '../cli-io';
import { integerIn } from '../option-parsers';

interface StatusOptions {
  readonly wait?: boolean;
  readonly json?: boolean;
  readonly pollInterval: number;
  readonly timeout: number;
}

const printRequest = (out: CliOutput, r: SyncRequest): void => {
  const lines: Array<readonly [string, string]> = [
    ['request', r.request_id],
    ['group', r.group_id],
    ['accepted_at', r.accepted_at],
    ['status', r.completed_at ? `completed at ${r.completed_at}` : 'processing'],
  ];
  if (r.results) {
    lines.push(['added', String(r.results.added_group_member_ids.length)]);
    lines.push(['removed', String(r.results.removed_group_member_ids.length)]);
    lines.push(['failures', String(r.results.failures.length)]);
  }
  for (const [k, v] of lines) out.write(`${k.padEnd(11)}  ${v}\n`);
  for (const f of r.results?.failures ?? [])
    out.write(`  ${f.operation.padEnd(6)}  ${f.reference_id}  ${f.reason}\n`);
};

const formatMs = (ms: number): string =>
  ms >= 60_000 && ms % 60_000 === 0
    ? `${ms / 60_000} min`
    : ms >= 1000
      ? `${(ms / 1000).toLocaleString('en-US')} s`
      : `${ms} ms`;

/**
 * `vitable-connect sync-status <group> <request> [--wait]`: shows a sync
 * request (processing, or completed with its added, removed and failed
 * members); `--wait` polls until it completes, saying on standard error that
 * it waits. Exit status 0 while processing
 * or completed without failures, 1 when the server reported member failures.
 *
 * @internal
 * @example
 * // $ vitable-connect sync-status grp_abc123 grpmsr_def456 --wait
 */
export const syncStatusCommand = (ctx: CliContext): Command =>
  new Command('sync-status')
    .description('show a member sync request; --wait polls until it completes')
    .argument('<group>', 'group id (grp_…)')
    .argument('<request>', 'sync request id (grpmsr_…)')
    .option('--wait', 'poll until the request completes')
    .option('--json', 'print the sync request as JSON')
    .addOption(
      new Option('--poll-interval <ms>', 'first wait before polling again, doubling up to 30 s')
        .argParser(integerIn(1))
        .default(1000),
    )
    .addOption(
      new Option('--timeout <ms>', 'give up waiting after this long')
        .argParser(integerIn(1))
        .default(900_000),
    )
    .action(async (group: string, request: string, opts: StatusOptions, cmd: Command) => {
      const client = ctx.client(cmd.optsWithGlobals<GlobalOptions>());
      let current = await lastValueFrom(client.members.sync.retrieve(group, request));
      if (opts.wait && current.completed_at === null) {
        // a diagnostic, so on standard error: standard output gets the result alone
        ctx.io.stderr.write(
          `waiting for sync request ${current.request_id} of group ${current.group_id} to complete ` +
            `(polling, giving up after ${formatMs(opts.timeout)}; Ctrl-C stops waiting)…\n`,
        );
        current = await lastValueFrom(
          of({
            request_id: current.request_id,
            group_id: current.group_id,
            accepted_at: current.accepted_at,
          }).pipe(
            pollUntilComplete(client, {
              initialDelayMs: opts.pollInterval,
              maxDelayMs: Math.max(opts.pollInterval, 30_000),
              timeoutMs: opts.timeout,
            }),
          ),
        );
      }
      if (opts.json) ctx.io.stdout.write(`${JSON.stringify(current)}\n`);
      else printRequest(ctx.io.stdout, current);
      ctx.exitCode = (current.results?.failures.length ?? 0) > 0 ? ExitCode.Failed : ExitCode.Ok;
    });
