import { expect } from 'chai';
import { matchRoute, targetPath } from '../../lib/emulator/route';

describe('targetPath', () => {
  it('splits an origin-form target into path and query, as sent', () => {
    expect(targetPath('/v1/groups?page=2&limit=5')).to.deep.equal({ path: '/v1/groups', query: 'page=2&limit=5' });
    expect(targetPath('//v1/groups')).to.deep.equal({ path: '//v1/groups', query: '' });
    expect(targetPath('/v1/./groups/../x#frag?no')).to.deep.equal({ path: '/v1/./groups/../x', query: '' });
    expect(targetPath('/v1/groups?a=1#frag')).to.deep.equal({ path: '/v1/groups', query: 'a=1' });
  });

  it('takes the path of an absolute-form http(s) target and refuses anything else', () => {
    expect(targetPath('http://127.0.0.1:4010/v1/groups?page=1')).to.deep.equal({ path: '/v1/groups', query: 'page=1' });
    for (const target of ['*', 'ftp://host/v1/groups', 'http://[::1/v1', 'v1/groups', '']) expect(targetPath(target), target).to.equal(undefined);
  });
});

describe('matchRoute', () => {
  it('matches the six routes with their stats keys and ids (percent-decoded once)', () => {
    expect(matchRoute('GET', '/v1/groups')).to.deep.equal({ found: true, route: { key: 'GET /v1/groups', kind: 'list', groupId: '', requestId: '' } });
    expect(matchRoute('POST', '/v1/groups')).to.deep.include({ found: true });
    expect(matchRoute('PATCH', '/v1/groups/grp%5F1')).to.deep.equal({ found: true, route: { key: 'PATCH /v1/groups/:id', kind: 'update', groupId: 'grp_1', requestId: '' } });
    expect(matchRoute('POST', '/v1/groups/g/members/sync')).to.deep.equal({
      found: true,
      route: { key: 'POST /v1/groups/:id/members/sync', kind: 'sync-submit', groupId: 'g', requestId: '' },
    });
    expect(matchRoute('GET', '/v1/groups/g/members/sync/r')).to.deep.equal({
      found: true,
      route: { key: 'GET /v1/groups/:id/members/sync/:request_id', kind: 'sync-retrieve', groupId: 'g', requestId: 'r' },
    });
  });

  it('gives 405 with the allowed methods for a known path and another method', () => {
    expect(matchRoute('DELETE', '/v1/groups')).to.deep.equal({ found: false, key: 'DELETE /v1/groups', allow: ['GET', 'POST'] });
    expect(matchRoute('POST', '/v1/groups/g')).to.deep.equal({ found: false, key: 'POST /v1/groups/:id', allow: ['GET', 'PATCH'] });
    expect(matchRoute('GET', '/v1/groups/g/members/sync')).to.deep.include({ allow: ['POST'] });
  });

  it('knows nothing of double slashes, empty or dot segments, bad percent-encoding or other paths', () => {
    for (const path of ['//v1/groups', '/v1//groups', '/v1/groups/', '/v1/./groups', '/v1/groups/%zz', '/v2/groups', '/v1/groups/g/members', '/v1/groups/g/x/sync', '/v1/groups/g/members/sync/r/x', '/'])
      expect(matchRoute('GET', path), path).to.deep.equal({ found: false, key: 'GET (unknown)' });
    expect(matchRoute('constructor', '/v1/groups')).to.deep.include({ found: false });
  });
});
