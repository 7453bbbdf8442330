import { expect } from 'chai';
import { commandLine, interruptionNotice } from '../../lib/cli/interruption-notice';
import { interrupted } from '../../lib/cli/partial-report';

describe('commandLine', () => {
  it('quotes what a shell would split or expand, and never prints the --api-key value', () => {
    expect(
      commandLine(['--api-key', 'vc_secret', 'sync', "it's my roster.csv", '--group', 'grp_1']),
    ).to.equal(
      `vitable-connect --api-key "$VITABLE_CONNECT_API_KEY" sync 'it'\\''s my roster.csv' --group grp_1`,
    );
    expect(commandLine(['--api-key=vc_secret', 'sync', '-', '--group', '$HOME'])).to.equal(
      `vitable-connect --api-key="$VITABLE_CONNECT_API_KEY" sync - --group '$HOME'`,
    );
  });
});

describe('interruptionNotice', () => {
  const report = interrupted({
    groupId: 'grp_1',
    read: 1500,
    invalid: 2,
    failed: 0,
    synced: 998,
    added: 998,
    removed: 0,
    requestIds: ['grpmsr_1', 'grpmsr_2', 'grpmsr_3'],
    failures: [],
    startedAt: '2026-01-15T10:30:00.000Z',
    durationMs: 1000,
  });

  it('says why and what was done, where the partial report is, and that without --journal a re-run sends everything again', () => {
    const text = interruptionNotice({
      cause: { kind: 'signal', signal: 'SIGINT' },
      report,
      argv: ['sync', 'r.csv', '--group', 'grp_1', '--report', 'r.json'],
      reportPath: 'r.json',
      journal: false,
    });
    expect(report.unfinished).to.equal(500);
    expect(text)
      .to.match(
        /^interrupted \(SIGINT\): stopped reading and submitting; 998 synced, 2 invalid, 0 failed, 500 unfinished of 1,500 read/,
      )
      .and.contain('partial report written to r.json ("interrupted": true)')
      .and.contain('to sync again, run: vitable-connect sync r.csv --group grp_1 --report r.json')
      .and.contain('without --journal this starts over and sends every member again');
  });

  it('with a journal, prints the command that resumes', () => {
    const text = interruptionNotice({
      cause: { kind: 'output-closed' },
      report,
      argv: ['sync', 'r.csv', '--group', 'grp_1', '--journal', 'j'],
      journal: true,
    });
    expect(text)
      .to.match(/^stopped: standard output was closed/)
      .and.contain('resume with: vitable-connect sync r.csv --group grp_1 --journal j')
      .and.not.contain('starts over');
  });
});
