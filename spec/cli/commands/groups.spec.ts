import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { createClient } from '../../../lib/client';
import type { Group } from '../../../lib/codecs';
import { startEmulator, type Emulator } from '../../../lib/emulator';
import type { VitableConnect } from '../../../lib/types';
import { buildCli, jsonLines, runCli } from '../cli-harness';

// The `groups` command, run as a child process against an emulator on a
// loopback port.
describe('vitable-connect groups (child process)', function () {
  this.timeout(30_000);

  let emulator: Emulator;
  let client: VitableConnect;
  let env: Record<string, string>;
  let dir: string;
  let counter = 0;

  const requests = (route: string, status?: string): number => {
    const byStatus = emulator.stats().byRoute[route] ?? {};
    return status === undefined
      ? Object.values(byStatus).reduce((a, b) => a + b, 0)
      : (byStatus[status] ?? 0);
  };
  const newGroup = (): Promise<Group> =>
    lastValueFrom(
      client.groups.create({ name: `Spec ${++counter}`, external_reference_id: `spec_${counter}` }),
    );

  before(async function () {
    this.timeout(60_000);
    [emulator] = await Promise.all([startEmulator({ processingDelayMs: 20 }), buildCli()]);
    client = createClient({ apiKey: emulator.apiKey, baseURL: emulator.url });
    env = { VITABLE_CONNECT_BASE_URL: emulator.url, VITABLE_CONNECT_API_KEY: emulator.apiKey };
    dir = mkdtempSync(join(tmpdir(), 'vc-cli-groups-'));
  });
  after(async () => {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('groups', () => {
    it('create prints the new group and the server stored it', async () => {
      const posts = requests('POST /v1/groups', '201');
      const run = await runCli(
        ['groups', 'create', '--name', 'Tier 1', '--external-reference-id', 'seg_001', '--json'],
        { env },
      );
      expect(run.status, run.stderr).to.equal(0);
      const group = JSON.parse(run.stdout) as Group;
      expect(group).to.include({
        name: 'Tier 1',
        external_reference_id: 'seg_001',
        organization_id: emulator.organizationId,
      });
      expect(requests('POST /v1/groups', '201')).to.equal(posts + 1);
      expect(await lastValueFrom(client.groups.retrieve(group.id))).to.deep.equal(group);
    });

    it('get prints one group as a table, and exits 1 with status, message and request id when it is missing', async () => {
      const group = await newGroup();
      const [found, missing] = await Promise.all([
        runCli(['groups', 'get', group.id], { env }),
        runCli(['groups', 'get', 'grp_doesnotexist'], { env }),
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
      const group = await newGroup();
      const run = await runCli(['groups', 'update', group.id, '--name', 'Renamed', '--json'], {
        env,
      });
      expect(run.status, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout)).to.include({
        id: group.id,
        name: 'Renamed',
        external_reference_id: group.external_reference_id,
      });
      expect(await lastValueFrom(client.groups.retrieve(group.id))).to.include({ name: 'Renamed' });
      const nothing = await runCli(['groups', 'update', group.id], { env });
      expect(nothing.status).to.equal(2);
      expect(nothing.stderr).to.contain('nothing to update');
    });

    it('list prints one page, and --all streams every group page after page', async () => {
      for (let i = 0; i < 3; i++) await newGroup();
      const everyGroup = (await lastValueFrom(client.groups.list({ limit: 100 }))).data;
      const pagesBefore = requests('GET /v1/groups', '200');
      const [page2, all, table] = await Promise.all([
        runCli(['groups', 'list', '--page', '2', '--limit', '2', '--json'], { env }),
        runCli(['groups', 'list', '--all', '--limit', '2', '--json'], { env }),
        runCli(['groups', 'list', '--limit', '2'], { env }),
      ]);
      expect(page2.status, page2.stderr).to.equal(0);
      const page = JSON.parse(page2.stdout) as { data: Group[]; pagination: { page: number } };
      expect(page.pagination.page).to.equal(2);
      expect(page.data.map((g) => g.id)).to.deep.equal(everyGroup.slice(2, 4).map((g) => g.id));
      expect(all.status, all.stderr).to.equal(0);
      expect(jsonLines(all.stdout).map((g) => g['id'])).to.deep.equal(everyGroup.map((g) => g.id));
      const pagesForAll = Math.ceil(everyGroup.length / 2);
      expect(requests('GET /v1/groups', '200') - pagesBefore).to.equal(1 + pagesForAll + 1);
      expect(table.stdout)
        .to.match(/^ID\s+NAME\s+EXTERNAL_REFERENCE_ID\s+CREATED_AT$/m)
        .and.match(/page 1 of \d+/);
    });
  });
});
