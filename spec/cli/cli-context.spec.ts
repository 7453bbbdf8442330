import { expect } from 'chai';
import nock from 'nock';
import { PassThrough, Readable } from 'node:stream';
import { lastValueFrom } from 'rxjs';
import { createCliContext } from '../../lib/cli/cli-context';
import { CliError, ExitCode } from '../../lib/cli/cli-error';
import type { CliIo, CliSignals, StopSignal } from '../../lib/cli/cli-io';
import type { InterruptCause } from '../../lib/cli/interrupts';
import { TimeoutError } from '../../lib/errors';
import { ENVIRONMENTS, type RetryEvent } from '../../lib/types';
import { API, KEY, collect, group, idle, installClock, recorder } from '../http/fixtures';

/** Standard streams that keep what is written to them, an environment, and optional signals and clock. */
const testIo = (
  env: Record<string, string> = {},
  more: Pick<CliIo, 'signals' | 'now'> = {},
): CliIo & { readonly out: () => string; readonly err: () => string } => {
  const capture = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    return { stream, text: () => text };
  };
  const [stdout, stderr] = [capture(), capture()];
  return {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: Readable.from([]),
    env,
    ...more,
    out: stdout.text,
    err: stderr.text,
  };
};

describe('createCliContext', () => {
  it('holds the streams and arguments of the run, starts with exit status 0, and tells the time with Date.now by default', () => {
    const io = testIo();
    const ctx = createCliContext(io, ['groups', 'list']);
    expect(ctx.io).to.equal(io);
    expect(ctx.argv).to.deep.equal(['groups', 'list']);
    expect(ctx.exitCode).to.equal(ExitCode.Ok);
    expect(ctx.now).to.equal(Date.now);
    expect(createCliContext(io).argv).to.deep.equal([]);
  });

  it("tells the time with io's clock when it has one", () => {
    const ctx = createCliContext(testIo({}, { now: () => 1_234 }));
    expect(ctx.now()).to.equal(1_234);
  });

  it("hears interrupts from io's signals, and only while a command listens", () => {
    const listening = new Map<StopSignal, () => void>();
    const signals: CliSignals = {
      on: (s, l) => void listening.set(s, l),
      off: (s) => void listening.delete(s),
      exit: () => undefined,
    };
    const ctx = createCliContext(testIo({}, { signals }));
    expect([...listening.keys()]).to.deep.equal([]);
    const causes: InterruptCause[] = [];
    const stop = ctx.interrupts.onInterrupt((c) => causes.push(c));
    expect([...listening.keys()].sort()).to.deep.equal(['SIGINT', 'SIGTERM']);
    listening.get('SIGTERM')!();
    expect(causes).to.deep.equal([{ kind: 'signal', signal: 'SIGTERM' }]);
    stop();
  });

  describe('client', () => {
    it('without a key (none, or a blank one) is a usage error naming --api-key, the variable and the demo', () => {
      for (const [globals, env] of [
        [{}, {}],
        [{ apiKey: '   ' }, {}],
        [{}, { VITABLE_CONNECT_API_KEY: '' }],
      ] as const) {
        const ctx = createCliContext(testIo(env));
        let thrown: unknown;
        try {
          ctx.client(globals);
        } catch (e) {
          thrown = e;
        }
        expect(thrown, JSON.stringify([globals, env])).to.be.instanceOf(CliError);
        expect((thrown as CliError).exitCode).to.equal(ExitCode.Usage);
        expect((thrown as CliError).message)
          .to.contain('--api-key <key>')
          .and.contain('VITABLE_CONNECT_API_KEY')
          .and.contain('vitable-connect demo');
      }
    });

    it("reads the environment variables from io.env, not the process's", () => {
      const saved = process.env['VITABLE_CONNECT_API_KEY'];
      process.env['VITABLE_CONNECT_API_KEY'] = 'vc_from_the_process';
      try {
        expect(() => createCliContext(testIo()).client({})).to.throw(CliError, 'missing API key');
      } finally {
        if (saved === undefined) delete process.env['VITABLE_CONNECT_API_KEY'];
        else process.env['VITABLE_CONNECT_API_KEY'] = saved;
      }
      const client = createCliContext(
        testIo({ VITABLE_CONNECT_API_KEY: KEY, VITABLE_CONNECT_BASE_URL: 'http://127.0.0.1:7070' }),
      ).client({});
      expect(client.baseURL).to.equal('http://127.0.0.1:7070');
    });

    it('sends the key of --api-key over the one in the environment', async () => {
      const { seen, answer } = recorder();
      nock(API)
        .get('/v1/groups/grp_1')
        .times(2)
        .reply(answer(200, { data: group(1) }));
      const ctx = createCliContext(testIo({ VITABLE_CONNECT_API_KEY: 'vc_from_env' }));
      await lastValueFrom(ctx.client({ apiKey: KEY, baseUrl: API }).groups.retrieve('grp_1'));
      await lastValueFrom(ctx.client({ baseUrl: API }).groups.retrieve('grp_1'));
      expect(seen.map((s) => s.headers['authorization'])).to.deep.equal([
        `Bearer ${KEY}`,
        'Bearer vc_from_env',
      ]);
    });

    it('points the client at --base-url, else --environment, else VITABLE_CONNECT_BASE_URL', () => {
      const ctx = createCliContext(
        testIo({ VITABLE_CONNECT_API_KEY: KEY, VITABLE_CONNECT_BASE_URL: 'http://127.0.0.1:7070' }),
      );
      expect(ctx.client({ baseUrl: API, environment: 'environment_1' }).baseURL).to.equal(API);
      expect(ctx.client({ environment: 'environment_1' }).baseURL).to.equal(
        ENVIRONMENTS.environment_1,
      );
      expect(ctx.client({}).baseURL).to.equal('http://127.0.0.1:7070');
    });

    it('logs to standard error, never to standard output (which carries results), without the key', async () => {
      nock(API)
        .get('/v1/groups/grp_1')
        .reply(200, { data: group(1) });
      const io = testIo({ VITABLE_CONNECT_API_KEY: KEY, VITABLE_CONNECT_LOG: 'debug' });
      await lastValueFrom(createCliContext(io).client({ baseUrl: API }).groups.retrieve('grp_1'));
      expect(io.err())
        .to.contain('[vitable-connect-rx]')
        .and.contain('/v1/groups/grp_1')
        .and.not.contain(KEY);
      expect(io.out()).to.equal('');
    });

    describe('with a virtual clock', () => {
      let clock: ReturnType<typeof installClock>;
      beforeEach(() => (clock = installClock()));
      afterEach(() => clock.uninstall());

      it("builds the client with the command's timeoutMs, maxRetries and onRetry", async () => {
        const { seen, answer } = recorder();
        nock(API)
          .get('/v1/groups/grp_1')
          .times(3)
          .delay(120_000)
          .reply(answer(200, { data: group(1) }));
        const retries: RetryEvent[] = [];
        const ctx = createCliContext(testIo({ VITABLE_CONNECT_API_KEY: KEY }));
        const client = ctx.client(
          { baseUrl: API },
          { timeoutMs: 50, maxRetries: 1, onRetry: (e) => retries.push(e) },
        );
        const started = Date.now();
        const r = collect(client.groups.retrieve('grp_1'));
        for (let i = 0; i < 200 && r.error === undefined; i++) {
          await idle(5);
          await clock.tickAsync(10);
        }
        expect(r.error).to.be.instanceOf(TimeoutError);
        expect((r.error as TimeoutError).timeoutMs).to.equal(50);
        expect(retries.map((e) => [e.attempt, e.reason])).to.deep.equal([[1, 'timeout']]);
        // two attempts of 50 ms and one backoff of at most 500 ms, in virtual time
        expect(Date.now() - started).to.be.within(100, 600);
        expect(seen).to.have.length(2); // one retry, no more
      });
    });
  });
});
