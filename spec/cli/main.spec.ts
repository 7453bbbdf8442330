import { expect } from 'chai';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../lib/cli/main';
import { VERSION } from '../../lib/http/version';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { buildCli, runCli } from './cli-harness';

// The `vitable-connect` entry point (main.ts, started by bin.ts): option
// resolution and exit statuses, run as a child process against an emulator on
// a loopback port.
describe('vitable-connect (child process)', function () {
  this.timeout(30_000);

  let emulator: Emulator;
  let env: Record<string, string>;

  before(async function () {
    this.timeout(60_000);
    [emulator] = await Promise.all([startEmulator({ processingDelayMs: 20 }), buildCli()]);
    env = { VITABLE_CONNECT_BASE_URL: emulator.url, VITABLE_CONNECT_API_KEY: emulator.apiKey };
  });
  after(async () => {
    await emulator.stop();
  });

  describe('usage and configuration', () => {
    it('exits 2 naming --api-key and VITABLE_CONNECT_API_KEY when no key is given, sending nothing', async () => {
      const before = emulator.stats().requests;
      const run = await runCli(['groups', 'list'], {
        env: { VITABLE_CONNECT_BASE_URL: emulator.url },
      });
      expect(run.status).to.equal(2);
      expect(run.stderr)
        .to.contain('missing API key')
        .and.contain('--api-key')
        .and.contain('VITABLE_CONNECT_API_KEY');
      expect(emulator.stats().requests).to.equal(before);
    });

    it('exits 2 for an unknown command, a missing required option and an out-of-range number', async () => {
      const [unknown, noGroup, badLimit] = await Promise.all([
        runCli(['frobnicate'], { env }),
        runCli(['sync', 'roster.csv'], { env }),
        runCli(['groups', 'list', '--limit', '0'], { env }),
      ]);
      expect(unknown.status).to.equal(2);
      expect(unknown.stderr).to.contain("unknown command 'frobnicate'");
      expect(noGroup.status).to.equal(2);
      expect(noGroup.stderr).to.contain("required option '--group <id>' not specified");
      expect(badLimit.status).to.equal(2);
      expect(badLimit.stderr).to.contain('expected an integer from 1 to 100, got "0"');
    });

    it('exits 2 with the status, server message and request id when the server rejects the key', async () => {
      const run = await runCli(['--api-key', 'vc_wrong_key', 'groups', 'list'], { env });
      expect(run.status).to.equal(2);
      expect(run.stderr)
        .to.match(/answered 401 \(AuthenticationError\)/)
        .and.match(/request id: req_\w+/);
      expect(run.stderr).to.contain('message:');
      expect(run.stderr).not.to.contain('vc_wrong_key');
    });

    it('lets --base-url beat VITABLE_CONNECT_BASE_URL', async () => {
      const run = await runCli(['--base-url', emulator.url, 'groups', 'list', '--json'], {
        env: { ...env, VITABLE_CONNECT_BASE_URL: 'http://127.0.0.1:9' },
      });
      expect(run.status, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout)).to.have.property('pagination');
    });
  });
});

/** Runs `main` inside this process with captured standard output and error. */
const runMain = async (
  argv: string[],
): Promise<{ status: number; stdout: string; stderr: string }> => {
  const capture = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    return { stream, text: () => text };
  };
  const [out, err] = [capture(), capture()];
  const status = await main(argv, {
    stdout: out.stream,
    stderr: err.stream,
    stdin: Readable.from([]),
    env: {},
  });
  return { status, stdout: out.text(), stderr: err.text() };
};

describe('main (in process)', () => {
  it('--help prints the usage with every command and the exit statuses to standard output, and resolves 0', async () => {
    const run = await runMain(['--help']);
    expect(run.status).to.equal(0);
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.match(/^Usage: vitable-connect \[options\] \[command\]/);
    for (const command of ['groups', 'sync', 'sync-status', 'emulator', 'demo'])
      expect(run.stdout).to.match(new RegExp(`^  ${command}\\b`, 'm'));
    expect(run.stdout)
      .to.contain('Exit status: 0 all synced, 1 some members failed')
      .and.contain('130 interrupted');
  });

  it('--version prints the package version and resolves 0', async () => {
    expect(await runMain(['--version'])).to.deep.equal({
      status: 0,
      stdout: `${VERSION}\n`,
      stderr: '',
    });
  });

  it('an unknown command or option resolves 2, naming it on standard error with the --help hint', async () => {
    const unknown = await runMain(['frobnicate']);
    expect(unknown.status).to.equal(2);
    expect(unknown.stdout).to.equal('');
    expect(unknown.stderr)
      .to.contain("error: unknown command 'frobnicate'")
      .and.contain('(add --help for usage)');
    const option = await runMain(['groups', 'list', '--frob']);
    expect(option.status).to.equal(2);
    expect(option.stderr).to.contain("error: unknown option '--frob'");
  });

  it('a missing API key resolves 2 before anything is sent, naming the flag and the variable', async () => {
    const run = await runMain(['--base-url', 'http://127.0.0.1:9', 'groups', 'list']);
    expect(run.status).to.equal(2);
    expect(run.stderr).to.contain('--api-key').and.contain('VITABLE_CONNECT_API_KEY');
  });
});
