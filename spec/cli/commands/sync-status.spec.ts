import { expect } from 'chai';
import { lastValueFrom } from 'rxjs';
import { createClient } from '../../../lib/client';
import type { SyncRequest } from '../../../lib/codecs';
import { startEmulator } from '../../../lib/emulator';
import { buildCli, runCli } from '../cli-harness';
import { ndjsonRoster } from '../roster-files';

// The `sync-status` command, run as a child process against an emulator on a
// loopback port.
describe('vitable-connect sync-status (child process)', function () {
  this.timeout(30_000);

  before(async function () {
    this.timeout(60_000);
    await buildCli();
  });

  describe('sync-status', () => {
    it('shows a completed request with its failures (exit 1), and --wait polls a processing one to the end', async () => {
      // long enough that the first child, started on a loaded machine, still sees it processing
      const slow = await startEmulator({ processingDelayMs: 4000 });
      try {
        const slowClient = createClient({ apiKey: slow.apiKey, baseURL: slow.url });
        const group = await lastValueFrom(
          slowClient.groups.create({ name: 'S', external_reference_id: 's' }),
        );
        const members = JSON.parse(
          `[${ndjsonRoster(3, slow.planIds[0]!, new Set()).text.trim().split('\n').join(',')}]`,
        ) as Parameters<typeof slowClient.members.sync.submit>[1]['members'];
        const bad = { ...members[2]!, plan_id: 'pln_unknown_here' };
        const submission = await lastValueFrom(
          slowClient.members.sync.submit(group.id, { members: [members[0]!, members[1]!, bad] }),
        );
        const slowEnv = {
          VITABLE_CONNECT_BASE_URL: slow.url,
          VITABLE_CONNECT_API_KEY: slow.apiKey,
        };
        const [now, waited] = await Promise.all([
          runCli(['sync-status', group.id, submission.request_id, '--json'], { env: slowEnv }),
          runCli(
            ['sync-status', group.id, submission.request_id, '--wait', '--poll-interval', '100'],
            { env: slowEnv },
          ),
        ]);
        expect(now.status, now.stderr).to.equal(0);
        expect(JSON.parse(now.stdout) as SyncRequest).to.include({
          completed_at: null,
          results: null,
        });
        expect(waited.status, waited.stderr).to.equal(1);
        expect(waited.stderr).to.contain(
          `waiting for sync request ${submission.request_id} of group ${group.id} to complete`,
        );
        expect(waited.stdout).not.to.contain('waiting');
        expect(now.stderr).not.to.contain('waiting');
        expect(waited.stdout)
          .to.match(/^status\s+completed at /m)
          .and.match(/^added\s+2$/m)
          .and.match(/^failures\s+1$/m)
          .and.contain('Invalid plan_id');
        expect(
          slow.stats().byRoute['GET /v1/groups/:id/members/sync/:request_id']?.['200'],
        ).to.be.at.least(3);
      } finally {
        await slow.stop();
      }
    });
  });
});
