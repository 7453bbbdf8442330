import type { InterruptCause } from './interrupts';
import type { InterruptedReport } from './partial-report';

const n = (x: number): string => x.toLocaleString('en-US');

const quote = (arg: string): string =>
  /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * The command line that runs `argv` again, quoted for a POSIX shell, with the
 * value of `--api-key` left out (it is never printed).
 *
 * @internal
 * @example
 * commandLine(['sync', 'my roster.csv', '--group', 'grp_1']); // "vitable-connect sync 'my roster.csv' --group grp_1"
 */
export const commandLine = (argv: ReadonlyArray<string>): string => {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--api-key') {
      args.push(arg, '"$VITABLE_CONNECT_API_KEY"');
      i++;
    } else if (arg.startsWith('--api-key=')) args.push('--api-key="$VITABLE_CONNECT_API_KEY"');
    else args.push(quote(arg));
  }
  return ['vitable-connect', ...args].join(' ');
};

/** What {@link interruptionNotice} tells. */
export interface InterruptionFacts {
  readonly cause: InterruptCause;
  readonly report: InterruptedReport;
  readonly argv: ReadonlyArray<string>;
  /** The `--report` file the partial report went to. */
  readonly reportPath?: string | undefined;
  /** Whether the sync keeps a journal (`--journal`), so that running it again resumes it. */
  readonly journal: boolean;
}

/**
 * The lines printed on standard error when a sync is interrupted: why it
 * stopped, what was done, where the partial report went, and the command to
 * run next (which resumes the sync with `--journal`; without one it starts
 * over and sends every member again).
 *
 * @internal
 * @example
 * io.stderr.write(interruptionNotice({ cause, report, argv: ctx.argv, reportPath: 'r.json', journal: false }));
 */
export const interruptionNotice = (facts: InterruptionFacts): string => {
  const { cause, report } = facts;
  const why =
    cause.kind === 'signal'
      ? `interrupted (${cause.signal})`
      : 'stopped: standard output was closed';
  const lines = [
    `${why}: stopped reading and submitting; ${n(report.synced)} synced, ${n(report.invalid)} invalid, ` +
      `${n(report.failed)} failed, ${n(report.unfinished)} unfinished of ${n(report.read)} read ` +
      `(${n(report.requestIds.length)} batches accepted by the server)`,
  ];
  if (report.unfinished > 0)
    lines.push(
      '  the unfinished members were in batches in flight or not yet sent; the server may still apply the batches it accepted',
    );
  if (facts.reportPath !== undefined)
    lines.push(`  partial report written to ${facts.reportPath} ("interrupted": true)`);
  const again = commandLine(facts.argv);
  if (facts.journal) lines.push(`resume with: ${again}`);
  else
    lines.push(
      `to sync again, run: ${again}`,
      '  without --journal this starts over and sends every member again',
    );
  return `${lines.join('\n')}\n`;
};
