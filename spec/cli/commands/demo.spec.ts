import { expect } from 'chai';
import type { SyncReport } from '../../../lib/pipelines/sync-events';
import { buildCli, jsonLines, runCli } from '../cli-harness';

// The `demo` command, run as a child process (it starts its own emulator).
describe('vitable-connect demo (child process)', function () {
  this.timeout(30_000);

  before(async function () {
    this.timeout(60_000);
    await buildCli();
  });

  describe('demo', () => {
    it('starts its own emulator, syncs 10,000 generated members without key or network, prints the report and exits 0', async () => {
      const run = await runCli(['demo'], { env: {} });
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout)
        .to.match(/Emulator running at http:\/\/127\.0\.0\.1:\d+/)
        .and.match(/^\s+read\s+10,000$/m)
        .and.match(/^\s+synced\s+9,994$/m)
        .and.match(/^\s+invalid\s+5$/m)
        .and.contain('Invalid plan_id')
        .and.contain('Demo check: OK');
    });

    it('--json ends with a passing demo-check after the done event', async () => {
      const run = await runCli(['demo', '--members', '300', '--json'], { env: {} });
      expect(run.status, run.stderr).to.equal(0);
      const events = jsonLines(run.stdout);
      const [done, check] = events.slice(-2) as [
        { type: string; report: SyncReport },
        Record<string, unknown>,
      ];
      expect(done.type).to.equal('done');
      expect(done.report).to.include({ read: 300, invalid: 5, failed: 1, synced: 294 });
      expect(check).to.deep.equal({ type: 'demo-check', ok: true, problems: [] });
    });
  });
});
