import { expect } from 'chai';
import { processIo } from '../../lib/cli/cli-io';

describe('processIo', () => {
  it("is the real process's streams, environment and clock", () => {
    const io = processIo();
    expect(io.stdout).to.equal(process.stdout);
    expect(io.stderr).to.equal(process.stderr);
    expect(io.stdin).to.equal(process.stdin);
    expect(io.env).to.equal(process.env);
    expect(io.now).to.equal(Date.now);
  });

  it("listens to and stops listening to the process's signals", () => {
    const io = processIo();
    const listener = (): void => undefined;
    const before = process.listenerCount('SIGTERM');
    io.signals!.on('SIGTERM', listener);
    expect(process.listeners('SIGTERM')).to.include(listener);
    io.signals!.off('SIGTERM', listener);
    expect(process.listenerCount('SIGTERM')).to.equal(before);
  });
});
