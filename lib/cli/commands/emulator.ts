import { Command, InvalidArgumentError, Option } from 'commander';
import { startEmulator } from '../../emulator';
import type { Emulator, FaultOptions } from '../../emulator';
import { CliError, ExitCode } from '../cli-error';
import { integerIn } from '../option-parsers';

/** Where the command writes and which process it listens to for signals (the real ones by default). */
export interface EmulatorCommandDeps {
  readonly io?: { readonly stdout: NodeJS.WritableStream; readonly stderr: NodeJS.WritableStream };
  readonly signals?: SignalSource;
}

/** Anything signals can be listened to on: `process`, or an `EventEmitter` in tests. */
export interface SignalSource {
  once(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
}

interface EmulatorCommandOptions {
  readonly port: number;
  readonly host: string;
  readonly processingDelayMs: number;
  readonly maxMembersPerSync: number;
  readonly rateLimit?: number;
  readonly burst?: number;
  readonly seed?: number;
  readonly errorRate?: number;
  readonly dropRate?: number;
  readonly rateLimitRate?: number;
  readonly retryAfterMs?: number;
  readonly latencyMs?: number;
  readonly latencyJitterMs?: number;
}

const rate = (value: string): number => {
  const n = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`expected a number from 0 to 1, got "${value}"`);
  return n;
};

const positive = (value: string): number => {
  const n = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(n > 0)) throw new InvalidArgumentError(`expected a number above 0, got "${value}"`);
  return n;
};

const faultsFrom = (o: EmulatorCommandOptions): FaultOptions | undefined => {
  const faults: FaultOptions = {
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.errorRate !== undefined ? { errorRate: o.errorRate } : {}),
    ...(o.dropRate !== undefined ? { dropRate: o.dropRate } : {}),
    ...(o.rateLimitRate !== undefined ? { rateLimitRate: o.rateLimitRate } : {}),
    ...(o.retryAfterMs !== undefined ? { retryAfterMs: o.retryAfterMs } : {}),
    ...(o.latencyMs !== undefined ? { latencyMs: o.latencyMs } : {}),
    ...(o.latencyJitterMs !== undefined ? { latencyJitterMs: o.latencyJitterMs } : {}),
  };
  return Object.keys(faults).length > 0 ? faults : undefined;
};

const banner = (emu: Emulator): string =>
  [
    `Vitable Connect emulator listening on ${emu.url}`,
    `  API key:       ${emu.apiKey}`,
    `  Organization:  ${emu.organizationId}`,
    `  Plans:         ${emu.planIds.join(', ')}`,
    '',
    'Point the client at it:',
    `  createClient({ baseURL: '${emu.url}', apiKey: '${emu.apiKey}' })`,
    `  curl ${emu.url}/v1/groups -H "Authorization: Bearer ${emu.apiKey}"`,
    `  VITABLE_CONNECT_BASE_URL=${emu.url} VITABLE_CONNECT_API_KEY=${emu.apiKey} vitable-connect groups list`,
    '',
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');

/**
 * `vitable-connect emulator [--port 4010]`: runs the local emulator of the
 * Vitable Connect API in the foreground, prints its URL and API key, and stops
 * cleanly (exit status 0) on SIGINT or SIGTERM. Options set the host, the sync
 * processing delay, the batch limit, a rate limit and seeded fault injection.
 * A port already in use or a bad option is a usage error (exit status 2).
 *
 * @param deps the output streams and the signal source (default: the process's).
 * @returns the commander command, for `program.addCommand(...)`.
 *
 * @example
 * // $ vitable-connect emulator --port 4010 --processing-delay-ms 100 --error-rate 0.05 --seed 7
 * // Vitable Connect emulator listening on http://127.0.0.1:4010
 * //   API key:       vc_test_emulator_demo_key
 * // (registered by main: program.addCommand(emulatorCommand()))
 */
export const emulatorCommand = (deps: EmulatorCommandDeps = {}): Command =>
  new Command('emulator')
    .description('run a local emulator of the Vitable Connect API (for development, tests and demos)')
    .addOption(new Option('--port <n>', 'TCP port (0 picks a free one)').argParser(integerIn(0, 65535)).default(4010))
    .addOption(new Option('--host <host>', 'interface to listen on').default('127.0.0.1'))
    .addOption(
      new Option('--processing-delay-ms <ms>', 'how long a sync batch stays in flight').argParser(integerIn(0)).default(250),
    )
    .addOption(
      new Option('--max-members-per-sync <n>', 'largest members array one sync accepts')
        .argParser(integerIn(1))
        .default(1000),
    )
    .addOption(new Option('--rate-limit <rps>', 'token bucket per API key: requests per second').argParser(positive))
    .addOption(new Option('--burst <n>', 'token bucket size (default: the rate, at least 1)').argParser(integerIn(1)))
    .addOption(new Option('--seed <n>', 'seed of the fault injection (same seed, same faults)').argParser(integerIn(0)))
    .addOption(new Option('--error-rate <r>', 'share of requests answered 500/503 (0 to 1)').argParser(rate))
    .addOption(new Option('--drop-rate <r>', 'share of connections dropped without an answer (0 to 1)').argParser(rate))
    .addOption(new Option('--rate-limit-rate <r>', 'share of requests answered 429 (0 to 1)').argParser(rate))
    .addOption(new Option('--retry-after-ms <ms>', 'wait the injected 429s ask for').argParser(integerIn(0)))
    .addOption(new Option('--latency-ms <ms>', 'latency added to every request').argParser(integerIn(0)))
    .addOption(new Option('--latency-jitter-ms <ms>', 'extra random latency, up to this').argParser(integerIn(0)))
    .action(async (opts: EmulatorCommandOptions) => {
      const stdout = deps.io?.stdout ?? process.stdout;
      const stderr = deps.io?.stderr ?? process.stderr;
      const signals = deps.signals ?? process;
      if (opts.burst !== undefined && opts.rateLimit === undefined)
        throw new CliError('--burst needs --rate-limit <requests per second>', ExitCode.Usage);
      let emu: Emulator;
      try {
        emu = await startEmulator({
          port: opts.port,
          host: opts.host,
          processingDelayMs: opts.processingDelayMs,
          maxMembersPerSync: opts.maxMembersPerSync,
          ...(opts.rateLimit !== undefined
            ? { rateLimit: { requestsPerSecond: opts.rateLimit, burst: opts.burst ?? Math.max(1, Math.ceil(opts.rateLimit)) } }
            : {}),
          faults: faultsFrom(opts),
        });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE')
          throw new CliError(`cannot start the emulator: ${opts.host}:${opts.port} is already in use (try --port 0)`, ExitCode.Usage);
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES' || err instanceof RangeError || err instanceof TypeError)
          throw new CliError(`cannot start the emulator: ${(err as Error).message}`, ExitCode.Usage);
        throw err;
      }
      stdout.write(banner(emu));
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        const onSignal = (s: NodeJS.Signals): void => {
          signals.off('SIGINT', onSignal);
          signals.off('SIGTERM', onSignal);
          resolve(s);
        };
        signals.once('SIGINT', onSignal);
        signals.once('SIGTERM', onSignal);
      });
      await emu.stop();
      const stats = emu.stats();
      stderr.write(`${signal}: emulator stopped after ${stats.requests} requests and ${stats.batchesProcessed} processed batches\n`);
    });
