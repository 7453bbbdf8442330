import { expect } from 'chai';
import fc from 'fast-check';
import { ValidationError } from '../../lib/errors';
import {
  checkBatchOptions,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_MEMBERS,
  MAX_MEMBERS,
  oversizeMessage,
  resolveBatchOptions,
} from '../../lib/operators/resolve-batch-options';

// `{"members":[]}`: the bytes of a batch before its first member
const ENVELOPE = 14;

describe('resolveBatchOptions', () => {
  it('defaults to 1000 members and 1 000 000 bytes', () => {
    expect([DEFAULT_MAX_MEMBERS, MAX_MEMBERS, DEFAULT_MAX_BYTES]).to.deep.equal([
      1000, 1000, 1_000_000,
    ]);
    expect(resolveBatchOptions()).to.deep.equal({ maxMembers: 1000, maxBytes: 1_000_000 });
    expect(resolveBatchOptions({})).to.deep.equal({ maxMembers: 1000, maxBytes: 1_000_000 });
    expect(resolveBatchOptions({ maxMembers: 10 })).to.deep.equal({
      maxMembers: 10,
      maxBytes: 1_000_000,
    });
  });

  it('keeps every valid pair as given', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_MEMBERS }),
        fc.integer({ min: ENVELOPE + 1, max: Number.MAX_SAFE_INTEGER }),
        (maxMembers, maxBytes) => {
          expect(resolveBatchOptions({ maxMembers, maxBytes })).to.deep.equal({
            maxMembers,
            maxBytes,
          });
        },
      ),
    );
  });

  it('throws one ValidationError listing every bad option, under the context given', () => {
    const err = (() => {
      try {
        resolveBatchOptions({ maxMembers: 1001, maxBytes: ENVELOPE }, 'syncRoster options');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).to.be.instanceOf(ValidationError);
    expect((err as ValidationError).issues).to.deep.equal([
      { path: 'maxMembers', message: 'must be an integer from 1 to 1000, got 1001' },
      { path: 'maxBytes', message: `must leave room for a member, got ${ENVELOPE}` },
    ]);
    expect((err as Error).message).to.contain('syncRoster options');
  });
});

describe('checkBatchOptions', () => {
  it('names what is wrong with each value that is not a positive integer in range, showing the value', () => {
    const issuesOf = (options: unknown) => checkBatchOptions(options).issues;
    expect(issuesOf({ maxMembers: 0 })).to.deep.equal([
      { path: 'maxMembers', message: 'must be an integer from 1 to 1000, got 0' },
    ]);
    expect(issuesOf({ maxMembers: 2.5 })[0]!.message).to.equal(
      'must be an integer from 1 to 1000, got 2.5',
    );
    expect(issuesOf({ maxMembers: '10' })[0]!.message).to.equal(
      'must be an integer from 1 to 1000, got 10',
    );
    expect(issuesOf({ maxBytes: -1 })).to.deep.equal([
      { path: 'maxBytes', message: 'must be a positive integer, got -1' },
    ]);
    expect(issuesOf({ maxBytes: {} })[0]!.message).to.equal(
      'must be a positive integer, got [object Object]',
    );
    expect(issuesOf(null)).to.deep.equal([
      { path: '', message: 'must be an object of options, got null' },
    ]);
  });

  it('reports a getter that throws as an issue, never throwing itself', () => {
    const hostile = {
      get maxMembers(): never {
        throw new Error('trap');
      },
    };
    const { issues, resolved } = checkBatchOptions(hostile);
    expect(issues).to.deep.equal([{ path: 'maxMembers', message: 'could not be read: trap' }]);
    expect(resolved).to.deep.equal({ maxMembers: 1000, maxBytes: 1_000_000 });
  });
});

describe('oversizeMessage', () => {
  it('counts the member with the batch envelope around it', () => {
    expect(oversizeMessage(100, 50)).to.equal(
      `is ${ENVELOPE + 100} bytes as a batch of its own, over maxBytes 50`,
    );
  });
});
