import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import {
  decodeInput,
  headersRecord,
  integerIn,
  isRecord,
  MAX_DURATION_MS,
  paramsObject,
  pathParam,
  readSafely,
  requestOptions,
  validateAll,
} from '../../lib/http/validate';

describe('validate', () => {
  it('validateAll keeps every issue of every value', () => {
    expect(
      validateAll({ a: pathParam('groupId', ''), b: integerIn('page', 0, 1, Infinity) }),
    ).to.deep.equal(
      E.left([
        { path: 'groupId', message: 'must not be empty' },
        { path: 'page', message: 'must be an integer >= 1, got 0' },
      ]),
    );
    expect(validateAll({ a: E.right(1), b: E.right('x') })).to.deep.equal(
      E.right({ a: 1, b: 'x' }),
    );
  });

  it('isRecord is true for plain objects only', () => {
    expect([{}, { a: 1 }, [], null, 'x', 1].map(isRecord)).to.deep.equal([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('pathParam percent-encodes, and refuses missing, non-string, blank, dot-segment and malformed values', () => {
    expect(pathParam('id', 'a/b c')).to.deep.equal(E.right('a%2Fb%20c'));
    const issue = (u: unknown): string | undefined => {
      const r = pathParam('id', u);
      return E.isLeft(r) ? r.left[0]!.message : undefined;
    };
    expect(issue(undefined)).to.equal('is required');
    expect(issue(1)).to.equal('must be a string, got number');
    expect(issue('  ')).to.equal('must not be empty');
    expect(issue('.')).to.equal('must not be "."');
    expect(issue('\udc00')).to.equal('is not valid Unicode (unpaired surrogate)');
  });

  it('integerIn accepts undefined and integers within bounds only', () => {
    expect(integerIn('limit', undefined, 1, 100)).to.deep.equal(E.right(undefined));
    expect(integerIn('limit', 100, 1, 100)).to.deep.equal(E.right(100));
    for (const bad of [0, 101, 1.5, NaN, '5'])
      expect(E.isLeft(integerIn('limit', bad, 1, 100)), String(bad)).to.equal(true);
  });

  it('paramsObject reads undefined as {} and refuses what is not an object', () => {
    expect(paramsObject('params', undefined)).to.deep.equal(E.right({}));
    expect(paramsObject('params', [1])).to.deep.equal(
      E.left([{ path: 'params', message: 'must be an object, got array' }]),
    );
  });

  it('decodeInput names the failing paths under root, and turns a throwing getter into an issue', () => {
    const Named = t.type({ name: t.string });
    expect(E.isLeft(decodeInput(Named, { name: 1 }, 'body'))).to.equal(true);
    const hostile = Object.defineProperty({}, 'name', {
      enumerable: true,
      get: () => {
        throw new Error('no');
      },
    });
    expect(decodeInput(Named, hostile, 'body')).to.deep.equal(
      E.left([{ path: 'body', message: 'could not be read: no' }]),
    );
  });

  it('readSafely turns anything a check throws into an issue at its root', () => {
    expect(
      readSafely('params', () => {
        throw 1;
      }),
    ).to.deep.equal(E.left([{ path: 'params', message: 'could not be read: 1' }]));
    expect(readSafely('params', () => E.right(2))).to.deep.equal(E.right(2));
  });

  it('headersRecord accepts token names with string values without line breaks', () => {
    expect(headersRecord('h', { 'X-A': 'a' })).to.deep.equal(E.right({ 'X-A': 'a' }));
    expect(headersRecord('h', undefined)).to.deep.equal(E.right({}));
    const left = headersRecord('h', { 'bad name': 'x', 'X-B': 1, 'X-C': 'a\r\nb' });
    expect(E.isLeft(left) && left.left.map((i) => i.path)).to.deep.equal([
      'h.bad name',
      'h.X-B',
      'h.X-C',
    ]);
  });

  it('requestOptions checks each option, timeoutMs at most the longest timer Node runs', () => {
    expect(requestOptions(undefined)).to.deep.equal(E.right({ headers: {} }));
    expect(requestOptions({ timeoutMs: MAX_DURATION_MS })).to.deep.equal(
      E.right({
        timeoutMs: MAX_DURATION_MS,
        maxRetries: undefined,
        idempotencyKey: undefined,
        headers: {},
        signal: undefined,
      }),
    );
    for (const bad of [
      { timeoutMs: MAX_DURATION_MS + 1 },
      { timeoutMs: 0 },
      { maxRetries: -1 },
      { idempotencyKey: ' ' },
      { signal: {} },
      'x',
    ])
      expect(E.isLeft(requestOptions(bad)), JSON.stringify(bad)).to.equal(true);
  });
});
