import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { lastValueFrom } from 'rxjs';
import { USER_AGENT, VERSION } from '../../lib/http/version';
import { API, group, recorder, testClient } from './fixtures';

const ROOT = join(__dirname, '..', '..');

const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  readonly name: string;
  readonly version: string;
};

describe('VERSION', () => {
  it('is the version in package.json, a semantic version', () => {
    expect(VERSION).to.equal(packageJson.version);
    expect(VERSION).to.match(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });

  it('is the file .ci/write-version.mjs writes from package.json, so the build check passes', () => {
    // --check exits 1 (and execFileSync throws) when lib/http/version.ts is stale
    expect(() =>
      execFileSync(process.execPath, [join(ROOT, '.ci', 'write-version.mjs'), '--check'], {
        cwd: ROOT,
        stdio: 'pipe',
      }),
    ).not.to.throw();
  });
});

describe('USER_AGENT', () => {
  it('is the package name, a slash and the version', () => {
    expect(USER_AGENT).to.equal(`${packageJson.name}/${VERSION}`);
    expect(USER_AGENT).to.equal(`vitable-connect-rx/${VERSION}`);
  });

  it('is the User-Agent header of every request, GET and POST alike', async () => {
    const { seen, answer } = recorder();
    nock(API)
      .get('/v1/groups/grp_1')
      .reply(answer(200, { data: group(1) }))
      .post('/v1/groups')
      .reply(answer(201, { data: group(1) }));
    const client = testClient();
    await lastValueFrom(client.groups.retrieve('grp_1'));
    await lastValueFrom(client.groups.create({ name: 'Group 1', external_reference_id: 'ext_1' }));
    expect(seen.map((s) => [s.method, s.headers['user-agent']])).to.deep.equal([
      ['GET', USER_AGENT],
      ['POST', USER_AGENT],
    ]);
  });
});
