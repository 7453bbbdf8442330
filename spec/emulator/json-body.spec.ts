import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { MAX_BODY_DEPTH, isJsonContentType, jsonBody, nestedDeeperThan } from '../../lib/emulator/json-body';

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const status = (e: E.Either<{ status: number }, unknown>): number | 'ok' => (E.isLeft(e) ? e.left.status : 'ok');

describe('nestedDeeperThan', () => {
  it('counts the levels of arrays and objects, the value itself being level 1', () => {
    expect(nestedDeeperThan(1, 0)).to.equal(false);
    expect(nestedDeeperThan({}, 1)).to.equal(false);
    expect(nestedDeeperThan({}, 0)).to.equal(true);
    expect(nestedDeeperThan({ a: [[1]], b: '[[[{{' }, 3)).to.equal(false);
    expect(nestedDeeperThan({ a: [[1]], b: [{ c: [{}] }] }, 3)).to.equal(true);
    expect(nestedDeeperThan(JSON.parse(nested(32)), 32)).to.equal(false);
    expect(nestedDeeperThan(JSON.parse(nested(33)), 32)).to.equal(true);
  });

  it('walks hundreds of thousands of levels without recursing, and wide values whole', () => {
    expect(nestedDeeperThan(JSON.parse(nested(200_000)), 32)).to.equal(true);
    const wide = { members: Array.from({ length: 5000 }, (_, i) => ({ i, address: { city: 'x' } })) };
    expect(nestedDeeperThan(wide, 4)).to.equal(false);
    expect(nestedDeeperThan({ ...wide, last: [[[[1]]]] }, 4)).to.equal(true);
  });
});

describe('isJsonContentType', () => {
  it('accepts JSON media types in any case, with parameters, and an absent header', () => {
    for (const type of [undefined, 'application/json', 'APPLICATION/JSON', 'application/json; charset=utf-8', ' application/json ;x=y', 'application/merge-patch+json', 'application/vnd.api+json'])
      expect(isJsonContentType(type), String(type)).to.equal(true);
  });

  it('refuses every other type', () => {
    for (const type of ['', 'text/plain', 'text/json', 'application/jsonp', 'application/json-seq', 'application/x-www-form-urlencoded', 'multipart/form-data', '+json', 'application/+json'])
      expect(isJsonContentType(type), type).to.equal(false);
  });
});

describe('jsonBody', () => {
  it('gives the parsed object', () => {
    expect(jsonBody('application/json', ' {"name":"Tier 1","n":[1,2]} ')).to.deep.equal(E.right({ name: 'Tier 1', n: [1, 2] }));
    const proto = jsonBody(undefined, '{"__proto__":{"name":"x"}}');
    expect(E.isRight(proto) && Object.keys(proto.right)).to.deep.equal(['__proto__']);
    expect(E.isRight(proto) && Object.getPrototypeOf(proto.right)).to.equal(Object.prototype);
  });

  it('refuses a content type other than JSON with 415, before reading the body', () => {
    const refused = jsonBody('text/plain', '{"name":"x"}');
    expect(refused).to.deep.equal(
      E.left({ status: 415, body: { error: { type: 'unsupported_media_type', message: 'Content-Type "text/plain" is not supported; send application/json' } } }),
    );
  });

  it('refuses an empty body, malformed JSON, a non-object and nesting past 32 levels with 400', () => {
    for (const text of ['', '  ', '{', 'not json', '[1]', 'null', '"text"', '42', nested(MAX_BODY_DEPTH + 1), `{"a":${nested(5000)}}`])
      expect(status(jsonBody('application/json', text)), text.slice(0, 20)).to.equal(400);
    const deep = jsonBody('application/json', `{"a":${nested(40)}}`);
    expect(E.isLeft(deep) && deep.left.body).to.deep.equal({ error: { type: 'invalid_request_error', message: 'Request body is nested deeper than 32 levels' } });
    expect(status(jsonBody('application/json', `{"a":${nested(MAX_BODY_DEPTH - 1)}}`))).to.equal('ok');
  });
});
