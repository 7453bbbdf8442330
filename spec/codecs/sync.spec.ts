import { expect } from 'chai';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { SyncFailure, SyncRequest, SyncResults, SyncSubmission } from '../../lib/codecs';
import { toIssues } from '../../lib/codecs/report';
import { request, results, submission } from './response-arbitraries';

const paths = (r: E.Either<Parameters<typeof toIssues>[0], unknown>) => (E.isLeft(r) ? toIssues(r.left).map((i) => i.path) : []);

describe('SyncSubmission', () => {
  it('decodes any submission the API sends (property), and names a missing field', () => {
    fc.assert(fc.property(submission, (s) => {
      expect(SyncSubmission.decode(s)).to.deep.equal(E.right(s));
    }),
    );
    expect(paths(SyncSubmission.decode({ request_id: 'r', group_id: 'g' }))).to.deep.equal(['accepted_at']);
  });
});

describe('SyncFailure', () => {
  it('has an operation of add or remove', () => {
    expect(SyncFailure.is({ reference_id: 'E', operation: 'remove', reason: 'x' })).to.equal(true);
    expect(paths(SyncFailure.decode({ reference_id: 'E', operation: 'update', reason: 'x' }))).to.deep.equal(['operation']);
  });
});

describe('SyncResults', () => {
  it('decodes any results the API sends (property), and names a failing failure by its index', () => {
    fc.assert(fc.property(results, (r) => {
      expect(SyncResults.decode(r)).to.deep.equal(E.right(r));
    }),
    );
    expect(paths(SyncResults.decode({ added_group_member_ids: [], removed_group_member_ids: [], failures: [{}] }))).to.include('failures[0].reference_id');
  });
});

describe('SyncRequest', () => {
  it('decodes any request the API sends, processing (nulls) or completed (property)', () => {
    fc.assert(fc.property(request, (r) => {
      expect(SyncRequest.decode(r)).to.deep.equal(E.right(r));
    }),
    );
    expect(paths(SyncRequest.decode({ request_id: 'r', group_id: 'g', accepted_at: 'a', completed_at: null, results: 1 }))).to.deep.equal(['results']);
  });
});
