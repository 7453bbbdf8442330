import { expect } from 'chai';
import { CliError, ExitCode } from '../../lib/cli/cli-error';

describe('CliError', () => {
  it('carries its message and exit status, is tagged CliError and named CliError', () => {
    const err = new CliError('cannot read roster file', ExitCode.Usage);
    expect(err).to.be.instanceOf(Error);
    expect(err).to.include({ message: 'cannot read roster file', exitCode: 2, _tag: 'CliError' });
    expect(err.name).to.equal('CliError');
    expect(String(err)).to.equal('CliError: cannot read roster file');
  });

  it('keeps name out of its own enumerable keys, so a spread or JSON of it shows only its fields', () => {
    const err = new CliError('x', ExitCode.Failed);
    expect(Object.keys(err)).to.have.members(['_tag', 'exitCode']);
  });
});

describe('ExitCode', () => {
  it('is 0 for done, 1 for failed, 2 for usage and 130 for interrupted, as shells report them', () => {
    expect(ExitCode).to.deep.equal({ Ok: 0, Failed: 1, Usage: 2, Interrupted: 130 });
  });
});
