import { expect } from 'chai';
import { PassThrough, Readable } from 'node:stream';
import type { CliIo, CliSignals, StopSignal } from '../../lib/cli/cli-io';
import { createInterrupts, type InterruptCause } from '../../lib/cli/interrupts';
import { SHOW_CURSOR } from '../../lib/cli/sync-output';

/** Signals raised by hand, and the exits asked for. */
const fakeSignals = () => {
  const listeners = new Map<StopSignal, Set<() => void>>();
  const exits: number[] = [];
  const signals: CliSignals = {
    on: (s, l) => void (listeners.get(s) ?? listeners.set(s, new Set()).get(s)!).add(l),
    off: (s, l) => void listeners.get(s)?.delete(l),
    exit: (status) => void exits.push(status),
  };
  const raise = (s: StopSignal): void => [...(listeners.get(s) ?? [])].forEach((l) => l());
  const count = (): number => [...listeners.values()].reduce((n, set) => n + set.size, 0);
  return { signals, raise, exits, count };
};

const ioWith = (signals: CliSignals, tty: boolean): { io: CliIo; stderr: () => string } => {
  let text = '';
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  stderr.on('data', (c: Buffer) => (text += c.toString()));
  const io: CliIo = {
    stdout: new PassThrough(),
    stderr,
    stdin: Readable.from([]),
    env: {},
    signals,
  };
  return { io, stderr: () => text };
};

describe('createInterrupts', () => {
  it('listens to SIGINT and SIGTERM only while a command listens, so Ctrl-C kills a command with nothing to save', () => {
    const fake = fakeSignals();
    const interrupts = createInterrupts(ioWith(fake.signals, false).io);
    expect(fake.count()).to.equal(0);
    const stop = interrupts.onInterrupt(() => undefined);
    expect(fake.count()).to.equal(2);
    stop();
    expect(fake.count()).to.equal(0);
  });

  it('the first signal calls the listeners once with its name; the second exits at once with 130, showing the cursor on a terminal', () => {
    const fake = fakeSignals();
    const { io, stderr } = ioWith(fake.signals, true);
    const interrupts = createInterrupts(io);
    const causes: InterruptCause[] = [];
    interrupts.onInterrupt((c) => causes.push(c));
    fake.raise('SIGTERM');
    expect(causes).to.deep.equal([{ kind: 'signal', signal: 'SIGTERM' }]);
    expect(fake.exits).to.deep.equal([]);
    fake.raise('SIGINT');
    expect(fake.exits).to.deep.equal([130]);
    expect(stderr()).to.equal(SHOW_CURSOR);
    expect(causes).to.have.length(1);
  });

  it('keeps the handlers after a signal, even when the listener has gone, so that a second Ctrl-C during cleanup still exits at once', () => {
    const fake = fakeSignals();
    const interrupts = createInterrupts(ioWith(fake.signals, false).io);
    const stop = interrupts.onInterrupt(() => undefined);
    fake.raise('SIGINT');
    stop();
    fake.raise('SIGINT');
    expect(fake.exits).to.deep.equal([130]);
  });

  it('a closed standard output interrupts like a signal, once, and a listener that comes later hears it at once', () => {
    const fake = fakeSignals();
    const interrupts = createInterrupts(ioWith(fake.signals, false).io);
    const early: InterruptCause[] = [];
    interrupts.onInterrupt((c) => early.push(c));
    interrupts.outputClosed();
    interrupts.outputClosed();
    const late: InterruptCause[] = [];
    interrupts.onInterrupt((c) => late.push(c));
    expect(early).to.deep.equal([{ kind: 'output-closed' }]);
    expect(late).to.deep.equal([{ kind: 'output-closed' }]);
    expect(interrupts.isOutputClosed).to.equal(true);
  });
});
