import { Command, Option } from 'commander';
import { VERSION } from '../http/version';
import { createCliContext, type CliContext } from './cli-context';
import { processIo, type CliIo } from './cli-io';
import { demoCommand } from './commands/demo';
import { emulatorCommand } from './commands/emulator';
import { groupsCommand } from './commands/groups';
import { syncCommand } from './commands/sync';
import { syncStatusCommand } from './commands/sync-status';
import { describeError } from './describe-error';

/** Applies the program's error handling and output routing to every command of the tree. */
const configureTree = (command: Command, io: CliIo): void => {
  command
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  for (const sub of command.commands) configureTree(sub, io);
};

/**
 * Builds the `vitable-connect` program: the global options (`--api-key`,
 * `--base-url`, `--environment`) and every command (`groups`, `sync`,
 * `sync-status`, `emulator`, `demo`).
 *
 * @internal
 * @example
 * const ctx = createCliContext(processIo());
 * await buildProgram(ctx).parseAsync(['groups', 'list'], { from: 'user' });
 */
export const buildProgram = (ctx: CliContext): Command => {
  const program = new Command('vitable-connect')
    .description(
      'Command line for the Vitable Connect API: groups, roster sync, sync status, a local emulator and a demo.\n' +
        'Exit status: 0 all synced, 1 some members failed (or the server refused), 2 usage or configuration error, 130 interrupted.',
    )
    .version(VERSION, '-V, --version')
    .addOption(
      new Option(
        '--api-key <key>',
        'API key (default: env VITABLE_CONNECT_API_KEY, which keeps it out of ps)',
      ),
    )
    .addOption(
      new Option(
        '--base-url <url>',
        "API base URL, e.g. an emulator's (env VITABLE_CONNECT_BASE_URL)",
      ),
    )
    .addOption(
      new Option('--environment <name>', 'hosted environment (default production)').choices([
        'production',
        'environment_1',
      ]),
    )
    .addHelpText('after', '\nTry it offline, without a key: vitable-connect demo');
  program.addCommand(groupsCommand(ctx));
  program.addCommand(syncCommand(ctx));
  program.addCommand(syncStatusCommand(ctx));
  program.addCommand(emulatorCommand({ io: ctx.io }));
  program.addCommand(demoCommand(ctx));
  configureTree(program, ctx.io);
  return program;
};

/**
 * Runs the command line with `argv` (the arguments after the program name)
 * and resolves with the exit status: 0 when everything asked for was done
 * (every member synced), 1 when some members failed or the server refused
 * (its status, message and request id are printed), 2 for usage or
 * configuration errors (bad arguments, missing or rejected API key,
 * unreadable file), 130 when a sync was interrupted (Ctrl-C, SIGTERM, its
 * standard output closed). It never calls `process.exit` itself, except on a
 * second Ctrl-C, which exits at once through `io.signals`.
 *
 * @internal
 * @example
 * const status = await main(['sync', 'roster.csv', '--group', 'grp_123']);
 * process.exitCode = status;
 */
export const main = async (
  argv: ReadonlyArray<string>,
  io: CliIo = processIo(),
): Promise<number> => {
  const ctx = createCliContext(io, argv);
  // a closed pipe (`| head`) is not a crash: the command stops quietly
  io.stdout.on('error', () => ctx.interrupts.outputClosed());
  io.stderr.on('error', () => undefined);
  try {
    await buildProgram(ctx).parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    const { exitCode, text } = describeError(err);
    if (text) io.stderr.write(text);
    return exitCode;
  }
};
