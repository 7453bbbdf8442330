import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import type { CliOutput } from '../../lib/cli/cli-io';
import { createSyncOutput, outputMode, SHOW_CURSOR } from '../../lib/cli/sync-output';
import type { CliSyncEvent } from '../../lib/cli/sync-file';

const capture = (tty: boolean, columns = 160): { stream: CliOutput; text: () => string } => {
  let text = '';
  const stream = Object.assign(new PassThrough(), {
    isTTY: tty,
    columns,
    // the bar goes back to the start of its line before each redraw
    cursorTo: (_x: number, _y?: number) => ((text += '\r'), true),
    moveCursor: (_dx: number, _dy: number) => true,
    clearLine: (_dir: number) => true,
    clearScreenDown: () => true,
  });
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
};

const progress = (read: number, synced: number): Extract<CliSyncEvent, { type: 'progress' }> => ({
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

  it('off a terminal writes one line per finished batch with the running totals, on standard error only', () => {
    const out = capture(false);
    const err = capture(false);
    const output = createSyncOutput({ mode: 'lines', stdout: out.stream, stderr: err.stream });
    output.event(completed('grpmsr_1', 500, 498));
    output.event(progress(1001, 498));
    output.event(progress(1200, 498)); // no batch finished since: no line
    output.stop();
    expect(err.text()).to.equal(
      'batch grpmsr_1: 498 synced, 2 failed | read 1,001, synced 498, failed 0, invalid 1, 1,234 members/s\n',
    );
    expect(out.text()).to.equal('');
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

describe('createSyncOutput on an 80-column terminal', () => {
  it('keeps every drawn line within the width, with the rate and the ETA', () => {
    const err = capture(true, 80);
    const output = createSyncOutput({
      mode: 'bar',
      stdout: capture(true).stream,
      stderr: err.stream,
      estimateTotal: () => 2_000_000,
    });
    output.event({ ...progress(999_000, 990_000), invalid: 12_345, failed: 1_234 });
    output.stop();
    // between the cursor movements and line clearings, what it writes is the line itself
    const lines = err
      .text()
      // eslint-disable-next-line no-control-regex
      .split(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]|[\r\n]/)
      .filter((l) => l.trim() !== '');
    expect(lines).to.not.be.empty;
    for (const line of lines) expect(line.length, line).to.be.below(80);
    expect(lines[lines.length - 1])
      .to.contain(' 50% ')
      .and.contain('1,234/s')
      .and.match(/ETA \S+$/);
  });

  it('hides the cursor while the bar runs and shows it again when stopped', () => {
    const err = capture(true, 80);
    const output = createSyncOutput({
      mode: 'bar',
      stdout: capture(true).stream,
      stderr: err.stream,
    });
    output.event(progress(10, 5));
    expect(err.text()).to.contain('\u001b[?25l');
    expect(err.text()).not.to.contain(SHOW_CURSOR);
    output.stop();
    expect(err.text().lastIndexOf(SHOW_CURSOR)).to.be.above(err.text().lastIndexOf('\u001b[?25l'));
  });
});
