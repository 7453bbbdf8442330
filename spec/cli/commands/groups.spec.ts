import { expect } from 'chai';
import type { Group } from '../../../lib/codecs';
import { lastValueFrom } from 'rxjs';
import { useCliEmulator } from '../cli-emulator';
import { jsonLines, runCli } from '../cli-harness';

// The `groups` command, run as a child process against an emulator on a
// loopback port.
describe('vitable-connect groups (child process)', function () {
  this.timeout(30_000);

  const fx = useCliEmulator('groups', 'Spec');

  describe('groups', () => {
    it('create prints the new group and the server stored it', async () => {
      const posts = fx.requests('POST /v1/groups', '201');
      const run = await runCli(
        ['groups', 'create', '--name', 'Tier 1', '--external-reference-id', 'seg_001', '--json'],
        { env: fx.env },
      );
      expect(run.status, run.stderr).to.equal(0);
      const group = JSON.parse(run.stdout) as Group;
      expect(group).to.include({
        name: 'Tier 1',
        external_reference_id: 'seg_001',
        organization_id: fx.emulator.organizationId,
      });
      expect(fx.requests('POST /v1/groups', '201')).to.equal(posts + 1);
      expect(await lastValueFrom(fx.client.groups.retrieve(group.id))).to.deep.equal(group);
    });

    it('get prints one group as a table, and exits 1 with status, message and request id when it is missing', async () => {
      const group = await fx.newGroup();
      const [found, missing] = await Promise.all([
        runCli(['groups', 'get', group.id], { env: fx.env }),
        runCli(['groups', 'get', 'grp_doesnotexist'], { env: fx.env }),
      ]);
      expect(found.status, found.stderr).to.equal(0);
      expect(found.stdout)
        .to.match(new RegExp(`^id\\s+${group.id}$`, 'm'))
        .and.match(new RegExp(`^name\\s+${group.name}$`, 'm'));
      expect(missing.status).to.equal(1);
      expect(missing.stderr)
        .to.contain('answered 404 (NotFoundError) to GET /v1/groups/grp_doesnotexist')
        .and.match(/message:\s+\S+/)
        .and.match(/request id: req_\w+/);
    });

    it('update changes only the fields given, and refuses to run with none (exit 2)', async () => {
      const group = await fx.newGroup();
      const run = await runCli(['groups', 'update', group.id, '--name', 'Renamed', '--json'], {
        env: fx.env,
      });
      expect(run.status, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout)).to.include({
        id: group.id,
        name: 'Renamed',
        external_reference_id: group.external_reference_id,
      });
      expect(await lastValueFrom(fx.client.groups.retrieve(group.id))).to.include({
        name: 'Renamed',
      });
      const nothing = await runCli(['groups', 'update', group.id], { env: fx.env });
      expect(nothing.status).to.equal(2);
      expect(nothing.stderr).to.contain('nothing to update');
    });

    it('list prints one page, and --all streams every group page after page', async () => {
      for (let i = 0; i < 3; i++) await fx.newGroup();
      const everyGroup = (await lastValueFrom(fx.client.groups.list({ limit: 100 }))).data;
      const pagesBefore = fx.requests('GET /v1/groups', '200');
      const [page2, all, table] = await Promise.all([
        runCli(['groups', 'list', '--page', '2', '--limit', '2', '--json'], { env: fx.env }),
        runCli(['groups', 'list', '--all', '--limit', '2', '--json'], { env: fx.env }),
        runCli(['groups', 'list', '--limit', '2'], { env: fx.env }),
      ]);
      expect(page2.status, page2.stderr).to.equal(0);
      const page = JSON.parse(page2.stdout) as { data: Group[]; pagination: { page: number } };
      expect(page.pagination.page).to.equal(2);
      expect(page.data.map((g) => g.id)).to.deep.equal(everyGroup.slice(2, 4).map((g) => g.id));
      expect(all.status, all.stderr).to.equal(0);
      expect(jsonLines(all.stdout).map((g) => g['id'])).to.deep.equal(everyGroup.map((g) => g.id));
      const pagesForAll = Math.ceil(everyGroup.length / 2);
      expect(fx.requests('GET /v1/groups', '200') - pagesBefore).to.equal(1 + pagesForAll + 1);
      expect(table.stdout)
        .to.match(/^ID\s+NAME\s+EXTERNAL_REFERENCE_ID\s+CREATED_AT$/m)
        .and.match(/page 1 of \d+/);
    });
  });
});
