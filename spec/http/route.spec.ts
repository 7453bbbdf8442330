import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { endpoint, route } from '../../lib/http/route';

describe('route', () => {
  const requestPath = route('/v1/groups/{groupId}/members/sync/{requestId}');

  it('fills each parameter percent-encoded', () => {
    expect(requestPath({ groupId: 'grp 1', requestId: '../x' })).to.deep.equal(
      E.right('/v1/groups/grp%201/members/sync/..%2Fx'),
    );
    expect(route('/v1/groups')({})).to.deep.equal(E.right('/v1/groups'));
  });

  it('lists the issue of every bad parameter, each named after it', () => {
    expect(requestPath({ groupId: '', requestId: 7 })).to.deep.equal(
      E.left([
        { path: 'groupId', message: 'must not be empty' },
        { path: 'requestId', message: 'must be a string, got number' },
      ]),
    );
    expect(requestPath({ groupId: '..', requestId: '\ud800' })).to.deep.equal(
      E.left([
        { path: 'groupId', message: 'must not be ".."' },
        { path: 'requestId', message: 'is not valid Unicode (unpaired surrogate)' },
      ]),
    );
  });
});

describe('endpoint', () => {
  it('combines a path, a body and a query, keeping every issue of all of them', () => {
    const decoder = t.unknown;
    expect(
      endpoint(E.right('/v1/groups'), decoder, {
        body: E.right({ a: 1 }),
        query: E.right({ page: 1 }),
      }),
    ).to.deep.equal(E.right({ path: '/v1/groups', decoder, body: { a: 1 }, query: { page: 1 } }));
    expect(endpoint(E.right('/v1/groups'), decoder)).to.deep.equal(
      E.right({ path: '/v1/groups', decoder }),
    );
    expect(
      endpoint(E.left([{ path: 'groupId', message: 'x' }]), decoder, {
        body: E.left([{ path: 'name', message: 'y' }]),
      }),
    ).to.deep.equal(
      E.left([
        { path: 'groupId', message: 'x' },
        { path: 'name', message: 'y' },
      ]),
    );
  });
});
