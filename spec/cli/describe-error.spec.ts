import { expect } from 'chai';
import { CommanderError } from 'commander';
import { CliError, ExitCode } from '../../lib/cli/cli-error';
import { describeError } from '../../lib/cli/describe-error';
import {
  apiErrorFor,
  ConfigError,
  ConnectionError,
  DecodeError,
  PollTimeoutError,
  TimeoutError,
  ValidationError,
} from '../../lib/errors';

const apiError = (status: number, body: unknown, requestId: string | undefined) =>
  apiErrorFor({ method: 'GET', path: '/v1/groups', status, body, headers: {}, requestId });

describe('describeError', () => {
  it('leaves commander its own message: exit 0 for --help and --version, 2 for a usage error', () => {
    const help = new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)');
    const version = new CommanderError(0, 'commander.version', '1.0.0');
    const unknown = new CommanderError(1, 'commander.unknownCommand', "unknown command 'x'");
    expect([help, version, unknown].map(describeError)).to.deep.equal([
      { exitCode: 0, text: '' },
      { exitCode: 0, text: '' },
      { exitCode: 2, text: '' },
    ]);
  });

  it('prints a CliError as one error line and exits with its own status', () => {
    expect(describeError(new CliError('no such group', ExitCode.Failed))).to.deep.equal({
      exitCode: 1,
      text: 'error: no such group\n',
    });
    expect(describeError(new CliError('bad header', ExitCode.Usage)).exitCode).to.equal(2);
  });

  it('names the status, tag, method, path, server message and request id of an ApiError, exit 1', () => {
    const { exitCode, text } = describeError(
      apiError(404, { error: { message: 'group not found' } }, 'req_1'),
    );
    expect(exitCode).to.equal(1);
    expect(text).to.equal(
      'error: the server answered 404 (NotFoundError) to GET /v1/groups\n' +
        '  message:    group not found\n' +
        '  request id: req_1\n',
    );
  });

  it('treats a rejected key (401, 403) as a configuration error: exit 2, with a hint about the key and where it is sent', () => {
    for (const status of [401, 403]) {
      const { exitCode, text } = describeError(apiError(status, { message: 'bad key' }, 'req_1'));
      expect(exitCode, String(status)).to.equal(2);
      expect(text).to.contain('  message:    bad key\n').and.contain('check the API key');
    }
  });

  it('reads the server message from a string body or error/message fields, else says (none)', () => {
    const messageOf = (body: unknown) =>
      describeError(apiError(500, body, 'req_1'))
        .text.split('\n')
        .slice(1, 3);
    expect(messageOf('  ')).to.deep.equal(['  message:    (none)', '  request id: req_1']);
    expect(messageOf('upstream down')[0]).to.equal('  message:    upstream down');
    expect(messageOf('x'.repeat(400))[0]).to.equal(`  message:    ${'x'.repeat(300)}`);
    expect(messageOf({ error: 'flat error' })[0]).to.equal('  message:    flat error');
    expect(messageOf({ message: 'top message' })[0]).to.equal('  message:    top message');
    expect(describeError(apiError(500, null, undefined)).text).to.equal(
      'error: the server answered 500 (InternalServerError) to GET /v1/groups\n' +
        '  message:    (none)\n' +
        '  request id: (none)\n',
    );
  });

  it('tells how to resume a poll that timed out, exit 1', () => {
    const { exitCode, text } = describeError(new PollTimeoutError('grp_1', 'req_9', 5000));
    expect(exitCode).to.equal(1);
    expect(text).to.equal(
      'error: sync request req_9 of group grp_1 did not complete within 5000 ms\n' +
        '  the server may still process it; resume with: vitable-connect sync-status grp_1 req_9 --wait\n',
    );
  });

  it('exits 2 for a ConfigError or ValidationError, 1 for other VitableErrors, with a reachability hint for connection and timeout errors', () => {
    const info = { method: 'GET', path: '/v1/groups' };
    expect(describeError(new ConfigError('no base URL'))).to.deep.equal({
      exitCode: 2,
      text: 'error: no base URL\n',
    });
    expect(describeError(new ValidationError('group', [])).exitCode).to.equal(2);
    for (const err of [new ConnectionError(info, 'ECONNREFUSED'), new TimeoutError(info, 100)]) {
      const { exitCode, text } = describeError(err);
      expect(exitCode).to.equal(1);
      expect(text).to.equal(
        `error: ${err.message}\n  is the server reachable? check --base-url / --environment (or VITABLE_CONNECT_BASE_URL)\n`,
      );
    }
    const decode = new DecodeError({ ...info, codec: 'Group' }, [], {});
    expect(describeError(decode)).to.deep.equal({
      exitCode: 1,
      text: `error: ${decode.message}\n`,
    });
  });

  it('calls anything else an unexpected failure, exit 1', () => {
    expect(describeError(new RangeError('boom'))).to.deep.equal({
      exitCode: 1,
      text: 'error: unexpected failure: boom\n',
    });
    expect(describeError('a string').text).to.equal('error: unexpected failure: a string\n');
  });
});
