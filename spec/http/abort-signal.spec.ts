import { expect } from 'chai';
import { NEVER, Observable, of } from 'rxjs';
import { AbortError } from '../../lib/errors';
import { abortOn } from '../../lib/http/abort-signal';

const info = { method: 'GET', path: '/v1/groups' };

describe('abortOn', () => {
  it('ends the call with AbortError when the signal aborts, unsubscribing the source and removing its listener', () => {
    const controller = new AbortController();
    let unsubscribed = false;
    const source = new Observable<number>(() => () => (unsubscribed = true));
    let error: unknown;
    source.pipe(abortOn(controller.signal, info)).subscribe({ error: (e: unknown) => (error = e) });
    controller.abort();
    expect(error)
      .to.be.instanceOf(AbortError)
      .and.to.include({ method: 'GET', path: '/v1/groups' });
    expect(unsubscribed).to.equal(true);
  });

  it('errors at once, subscribing nothing, when the signal already aborted', () => {
    let subscribed = false;
    const source = new Observable<number>(() => void (subscribed = true));
    let error: unknown;
    source
      .pipe(abortOn(AbortSignal.abort(), info))
      .subscribe({ error: (e: unknown) => (error = e) });
    expect(error).to.be.instanceOf(AbortError);
    expect(subscribed).to.equal(false);
  });

  it('passes values and completion through, and stops listening once the call ends', () => {
    const added: unknown[] = [];
    const removed: unknown[] = [];
    const signal = {
      aborted: false,
      addEventListener: (_: 'abort', l: () => void) => void added.push(l),
      removeEventListener: (_: 'abort', l: () => void) => void removed.push(l),
    };
    const values: number[] = [];
    of(1, 2)
      .pipe(abortOn(signal, info))
      .subscribe((v) => values.push(v));
    expect(values).to.deep.equal([1, 2]);
    expect(removed).to.deep.equal(added);
    const sub = NEVER.pipe(abortOn(signal, info)).subscribe();
    sub.unsubscribe();
    expect(removed).to.have.length(2);
  });
});
