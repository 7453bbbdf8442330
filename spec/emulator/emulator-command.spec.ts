import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { CliError } from '../../lib/cli/cli-error';
import { emulatorCommand } from '../../lib/cli/commands/emulator';
import { startEmulator } from '../../lib/emulator';
import { call, j } from './http';

// a lean entry with main's wiring: spawning lib/cli/bin.ts itself loads the whole
// CLI through ts-node and takes seconds (dist/cli/bin.js was checked by hand)
const ENTRY = path.join(__dirname, 'fixtures', 'emulator-cli.ts');
const ROOT = path.join(__dirname, '..', '..');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly served: number;
}

/** Spawns the command, waits for its banner, calls the URL it printed, then sends `signal`. */
const runUntilSignal = (args: string[], signal: NodeJS.Signals): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', ENTRY, 'emulator', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let served = 0;
    let signalled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      const key = /API key:\s+(\S+)/.exec(stdout)?.[1];
      if (url && key && stdout.includes('Ctrl+C') && !signalled) {
        signalled = true;
        call(url, key, { path: '/v1/groups' })
          .then((reply) => {
            served = reply.status;
            child.kill(signal);
          })
          .catch(reject);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr, served }));
  });

describe('emulatorCommand', () => {
  it('prints its URL and API key and stops cleanly with status 0 on SIGINT and on SIGTERM', async function () {
    this.timeout(30_000);
    const [int, term] = await Promise.all([
      runUntilSignal(['--port', '0', '--processing-delay-ms', '0'], 'SIGINT'),
      runUntilSignal(['--port', '0', '--seed', '3', '--latency-ms', '1'], 'SIGTERM'),
    ]);
    for (const [run, signal] of [[int, 'SIGINT'], [term, 'SIGTERM']] as const) {
      expect(run.stdout).to.match(/listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(run.stdout).to.include('API key:       vc_test_emulator_demo_key');
      expect(run.stdout).to.match(/curl http:\/\/127\.0\.0\.1:\d+\/v1\/groups -H "Authorization: Bearer vc_test_emulator_demo_key"/);
      expect(run.served, run.stderr).to.equal(200);
      expect(run.stderr).to.include(`${signal}: emulator stopped after 1 requests`);
      expect(run.code, run.stderr).to.equal(0);
    }
  });

  const inProcess = async (args: string[]) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    const signals = new EventEmitter();
    let errors = '';
    const command = emulatorCommand({ io: { stdout, stderr }, signals });
    command.exitOverride().configureOutput({ writeErr: (text) => (errors += text) });
    const done = command.parseAsync(args, { from: 'user' });
    return { done, signals, output: () => out, errors: () => errors };
  };

  it('serves the options it was given until a signal arrives, then releases the port', async () => {
    const run = await inProcess(['--port', '0', '--max-members-per-sync', '2', '--rate-limit', '100', '--burst', '5']);
    let url: string | undefined;
    for (let i = 0; i < 200 && url === undefined; i++) {
      url = /listening on (\S+)/.exec(run.output())?.[1];
      if (url === undefined) await new Promise((r) => setTimeout(r, 2));
    }
    const created = await call(url!, 'vc_test_emulator_demo_key', { method: 'POST', path: '/v1/groups', body: { name: 'G', external_reference_id: 'g' } });
    const tooMany = await call(url!, 'vc_test_emulator_demo_key', {
      method: 'POST',
      path: `/v1/groups/${String(j(created.json).data.id)}/members/sync`,
      body: { members: [{}, {}, {}] },
    });
    expect(tooMany.status).to.equal(422);
    expect(j(tooMany.json).error.message).to.match(/at most 2/);
    run.signals.emit('SIGTERM', 'SIGTERM');
    await run.done;
    expect(run.signals.listenerCount('SIGINT') + run.signals.listenerCount('SIGTERM')).to.equal(0);
    const again = await call(url!, 'vc_test_emulator_demo_key', { path: '/v1/groups' }).then(() => 'served', () => 'refused');
    expect(again).to.equal('refused');
  });

  it('fails with a usage error (status 2) when the port is in use or an option is bad', async () => {
    const busy = await startEmulator();
    try {
      const port = new URL(busy.url).port;
      const run = await inProcess(['--port', port]);
      const error = await run.done.then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(CliError);
      expect(error).to.include({ exitCode: 2 });
      expect((error as Error).message).to.match(/already in use/);
    } finally {
      await busy.stop();
    }
    for (const [args, message] of [
      [['--port', '70000'], /--port <n>.*expected an integer from 0 to 65535, got "70000"/],
      [['--error-rate', '1.5'], /--error-rate <r>.*expected a number from 0 to 1, got "1.5"/],
      [['--rate-limit', '0'], /--rate-limit <rps>.*expected a number above 0/],
    ] as const) {
      const run = await inProcess([...args]);
      const error = await run.done.then(() => undefined, (e: unknown) => e);
      expect(error, args.join(' ')).to.include({ code: 'commander.invalidArgument' });
      expect(run.errors()).to.match(message);
    }
    const burst = await inProcess(['--burst', '3']);
    const error = await burst.done.then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(CliError).and.include({ exitCode: 2 });
    expect((error as Error).message).to.equal('--burst needs --rate-limit <requests per second>');
  });
});
