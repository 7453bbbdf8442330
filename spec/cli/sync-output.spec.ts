import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import type { CliOutput } from '../../lib/cli/cli-io';
import { createSyncOutput, outputMode } from '../../lib/cli/sync-output';
import type { CliSyncEvent } from '../../lib/cli/sync-file';

const capture = (tty: boolean): { stream: CliOutput; text: () => string } => {
  let text = '';
  const stream = Object.assign(new PassThrough(), {
    isTTY: tty,
    columns: 160,
    cursorTo: (_x: number, _y?: number) => true,
    moveCursor: (_dx: number, _dy: number) => true,
    clearLine: (_dir: number) => true,
    clearScreenDown: () => true,
  });
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
};

const progress = (read: number, synced: number): CliSyncEvent => ({
  type: 'progress',
  read,
  invalid: 1,
  submitted: synced,
  synced,
  failed: 0,
  inFlight: 0,
  membersPerSecond: 1234.4,
});

const completed = (id: string, size: number, synced: number): CliSyncEvent => ({
  type: 'completed',
  request: {
    request_id: id,
    group_id: 'grp_1',
    accepted_at: 'a',
    completed_at: 'b',
    results: null,
  },
  synced,
  size,
  failures: [],
});

describe('createSyncOutput', () => {
  it('picks json when asked, a bar on a terminal, lines otherwise', () => {
    expect(outputMode({ json: true }, capture(true).stream)).to.equal('json');
    expect(outputMode({}, capture(true).stream)).to.equal('bar');
    expect(outputMode({}, capture(false).stream)).to.equal('lines');
  });

  it('off a terminal writes one line per finished batch with the running totals', () => {
    const out = capture(false);
    const output = createSyncOutput({
      mode: 'lines',
      stdout: out.stream,
      stderr: capture(false).stream,
    });
    output.event(completed('grpmsr_1', 500, 498));
    output.event(progress(1001, 498));
    output.event(progress(1200, 498)); // no batch finished since: no line
    output.stop();
    expect(out.text()).to.equal(
      'batch grpmsr_1: 498 synced, 2 failed | read 1,001, synced 498, failed 0, invalid 1, 1,234 members/s\n',
    );
  });

  it('with --json writes every event as one JSON line and nothing else', () => {
    const out = capture(false);
    const output = createSyncOutput({
      mode: 'json',
      stdout: out.stream,
      stderr: capture(false).stream,
    });
    const events = [completed('grpmsr_1', 2, 2), progress(2, 2)];
    events.forEach((e) => output.event(e));
    output.stop();
    expect(
      out
        .text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).to.deep.equal(events);
  });

  it('on a terminal draws a bar on standard error with read, synced, failed, rate and ETA; standard output stays clean', () => {
    const out = capture(true);
    const err = capture(true);
    const output = createSyncOutput({
      mode: 'bar',
      stdout: out.stream,
      stderr: err.stream,
      estimateTotal: () => 4000,
    });
    output.event(progress(2000, 1000));
    output.event(completed('grpmsr_1', 1000, 1000));
    output.stop();
    expect(err.text())
      .to.contain('read 2,000')
      .and.contain('synced 1,000')
      .and.contain('failed 0')
      .and.contain('1,234/s')
      .and.match(/ETA/)
      .and.contain('25%'); // (1 invalid + 1,000 synced) of an estimated 4,000
    expect(out.text()).to.equal('');
  });
});
