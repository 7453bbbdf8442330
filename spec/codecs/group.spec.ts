import { expect } from 'chai';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { Group, GroupCreateParams, GroupPage, GroupUpdateParams } from '../../lib/codecs';
import { toIssues } from '../../lib/codecs/report';
import { group, page } from './response-arbitraries';

const issues = (r: E.Either<Parameters<typeof toIssues>[0], unknown>) => (E.isLeft(r) ? toIssues(r.left) : []);

describe('Group', () => {
  it('decodes any group the API sends, extra fields and null timestamps included (property)', () => {
    fc.assert(fc.property(group, (g) => {
      expect(Group.decode(g)).to.deep.equal(E.right(g));
    }),
    );
  });

  it('names each field that does not match', () => {
    expect(issues(Group.decode({ id: 1, organization_id: 'org_1', name: 'n', external_reference_id: 'e', created_at: 5, updated_at: null }))).to.deep.equal([
      { path: 'id', message: 'expected string, got 1' },
      { path: 'created_at', message: 'expected string, got 5' },
    ]);
  });
});

describe('GroupPage', () => {
  it('decodes any page the API sends (property), and names a failing group by its index', () => {
    fc.assert(fc.property(page, (p) => {
      expect(GroupPage.decode(p)).to.deep.equal(E.right(p));
    }),
    );
    expect(issues(GroupPage.decode({ data: [{}], pagination: { page: 1, limit: 1, total: 1, total_pages: 1 } })).map((i) => i.path)).to.include('data[0].id');
  });
});

describe('GroupCreateParams', () => {
  it('needs a non-empty name and external_reference_id, and drops unknown keys', () => {
    expect(GroupCreateParams.decode({ name: 'T', external_reference_id: 'e', x: 1 })).to.deep.equal(E.right({ name: 'T', external_reference_id: 'e' }));
    expect(issues(GroupCreateParams.decode({ name: ' ' }))).to.deep.equal([
      { path: 'name', message: 'must not be empty' },
      { path: 'external_reference_id', message: 'is required' },
    ]);
  });
});

describe('GroupUpdateParams', () => {
  it('takes either field, non-empty when given, and drops unknown keys', () => {
    expect(GroupUpdateParams.decode({})).to.deep.equal(E.right({}));
    expect(GroupUpdateParams.decode({ name: 'T', x: 1 })).to.deep.equal(E.right({ name: 'T' }));
    expect(issues(GroupUpdateParams.decode({ external_reference_id: '' }))).to.deep.equal([
      { path: 'external_reference_id', message: 'must not be empty' },
    ]);
  });
});
