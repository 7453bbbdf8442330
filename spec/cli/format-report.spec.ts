import { expect } from 'chai';
import { formatDryRun, formatReport } from '../../lib/cli/format-report';
import { interrupted } from '../../lib/cli/partial-report';
import type { MemberFailure, SyncReport } from '../../lib/pipelines/sync-events';

const report = (overrides: Partial<SyncReport> = {}): SyncReport => ({
  groupId: 'grp_1',
  read: 10_000,
  invalid: 5,
  failed: 1,
  synced: 9_994,
  added: 9_990,
  removed: 4,
  requestIds: Array.from({ length: 10 }, (_, i) => `grpmsr_${i}`),
  failures: [],
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 2_000,
  ...overrides,
});

describe('formatReport', () => {
  it('prints the title and every count right-aligned with thousands separators, the duration and the rate', () => {
    expect(formatReport(report()).split('\n')).to.deep.equal([
      'Sync report for group grp_1',
      '  read                       10,000',
      '  synced                      9,994',
      '  invalid                         5',
      '  failed    1 (server 0, request 0)',
      '  added                       9,990',
      '  removed                         4',
      '  batches                        10',
      '  duration                    2.0 s',
      '  rate              5,000 members/s',
    ]);
  });

  it('splits the failed count by stage, adds the retries when there were any, and lists the failures as a table', () => {
    const failures: MemberFailure[] = [
      {
        index: 3,
        reference_id: 'EMP-3',
        stage: 'server',
        operation: 'add',
        reason: 'Invalid plan_id',
      },
      { stage: 'request', reason: 'status 500' },
    ];
    const lines = formatReport(report({ failed: 2, failures }), { retries: 3 }).split('\n');
    expect(lines[4]).to.equal('  failed    2 (server 1, request 1)');
    expect(lines.slice(10)).to.deep.equal([
      '  retries                         3',
      'Failures (2):',
      '  INDEX  STAGE       REFERENCE_ID  REASON',
      '      3  server/add  EMP-3         Invalid plan_id',
      '      -  request     -             status 500',
    ]);
    expect(formatReport(report(), { retries: 0 })).not.to.contain('retries');
  });

  it('shows the first maxFailures (default 20) and says how many there are and where the rest go', () => {
    const failures = Array.from({ length: 25 }, (_, i): MemberFailure => ({
      index: i,
      stage: 'validation',
      reason: 'bad',
    }));
    const two = formatReport(report({ failures }), { maxFailures: 2 }).split('\n');
    expect(two.slice(10)).to.deep.equal([
      'Failures (first 2 of 25; --report <file> writes them all):',
      '  INDEX  STAGE       REFERENCE_ID  REASON',
      '      0  validation  -             bad',
      '      1  validation  -             bad',
    ]);
    expect(formatReport(report({ failures })).split('\n')).to.have.length(10 + 2 + 20);
  });

  it('titles an interrupted report so and adds its unfinished count after failed', () => {
    const lines = formatReport(interrupted(report({ synced: 5_000, failed: 0 }))).split('\n');
    expect(lines[0]).to.equal('Sync interrupted: partial report for group grp_1');
    expect(lines.slice(4, 6)).to.deep.equal([
      '  failed                    0',
      '  unfinished            4,995',
    ]);
  });

  it('says 0 members/s for a sync that took no time', () => {
    expect(formatReport(report({ durationMs: 0 }))).to.contain(
      '  duration                    0.0 s\n  rate                  0 members/s',
    );
  });
});

describe('formatDryRun', () => {
  it('says nothing was sent, prints read, valid, invalid and the duration, then the failures', () => {
    const text = formatDryRun({
      dryRun: true,
      groupId: 'grp_1',
      read: 3,
      valid: 2,
      invalid: 1,
      failed: 0,
      synced: 0,
      added: 0,
      removed: 0,
      requestIds: [],
      failures: [{ index: 1, reference_id: 'EMP-1', stage: 'validation', reason: 'line 3: bad' }],
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 40,
    });
    expect(text.split('\n')).to.deep.equal([
      'Dry run for group grp_1 (nothing was sent)',
      '  read          3',
      '  valid         2',
      '  invalid       1',
      '  duration  0.0 s',
      'Failures (1):',
      '  INDEX  STAGE       REFERENCE_ID  REASON',
      '      1  validation  EMP-1         line 3: bad',
    ]);
  });
});
