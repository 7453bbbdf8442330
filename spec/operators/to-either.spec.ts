import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { TestScheduler } from 'rxjs/testing';
import { NotFoundError, VitableError, apiErrorFor } from '../../lib/errors';
import { toEither } from '../../lib/operators/to-either';

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });

describe('toEither', () => {
  it('wraps each value in a Right and completes with the source', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b|').pipe(toEither())).toBe('-a-b|', {
        a: E.right('a'),
        b: E.right('b'),
      });
    });
  });

  it('turns an error into a final Left and completes', () => {
    const err = apiErrorFor({
      status: 404,
      body: {},
      headers: {},
      requestId: 'req_1',
      method: 'GET',
      path: '/v1/groups/x',
    });
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-#', { a: 1 }, err).pipe(toEither())).toBe('-a-(l|)', {
        a: E.right(1),
        l: E.left(err),
      });
    });
    let seen: unknown;
    newScheduler().run(({ cold }) => {
      cold('#', undefined, err)
        .pipe(toEither())
        .subscribe((e) => (seen = e));
    });
    expect(E.isLeft(seen as E.Either<unknown, unknown>) && (seen as E.Left<unknown>).left)
      .to.equal(err)
      .and.be.instanceOf(NotFoundError);
  });

  it('wraps an error that is not a VitableError', () => {
    let seen: E.Either<VitableError, number> | undefined;
    newScheduler().run(({ cold }) => {
      cold<number>('#', undefined, new TypeError('boom'))
        .pipe(toEither())
        .subscribe((e) => (seen = e));
    });
    expect(seen !== undefined && E.isLeft(seen)).to.equal(true);
    const left = (seen as E.Left<VitableError>).left;
    expect(left).to.be.instanceOf(VitableError);
    expect(left.message).to.equal('boom');
  });

  it('passes empty and never-ending sources through', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('|').pipe(toEither())).toBe('|');
      expectObservable(cold('-').pipe(toEither())).toBe('-');
    });
  });

  it('unsubscribes from the source when unsubscribed', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c|');
      expectObservable(source.pipe(toEither()), '^--!').toBe('-a-', { a: E.right('a') });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
