import { expect } from 'chai';
import { of, tap } from 'rxjs';
import { pipeExchange, type Exchange, type ExchangeTransform } from '../../lib/http/exchange';
import { attemptOf, call, raw } from './pieces';

describe('pipeExchange', () => {
  it('applies the transformations in order, the first listed closest to the wire, skipping the ones left out', () => {
    const order: string[] = [];
    const named =
      (name: string): ExchangeTransform =>
      (next) =>
      (attempt) =>
        next(attempt).pipe(tap(() => order.push(name)));
    const base: Exchange = () => of(raw(200));
    const exchange = pipeExchange(base, named('inner'), undefined, named('outer'));
    exchange(attemptOf(call())).subscribe();
    expect(order).to.deep.equal(['inner', 'outer']);
  });

  it('is the base exchange itself with nothing to add', () => {
    const base: Exchange = () => of(raw(200));
    expect(pipeExchange(base)).to.equal(base);
    expect(pipeExchange(base, undefined)).to.equal(base);
  });
});
