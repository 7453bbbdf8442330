import { expect } from 'chai';
import { canonicalJson, fingerprint, requestFingerprint } from '../../lib/emulator/canonical-json';
import { member } from './http';

/** The same object with its keys inserted in reverse order (at every depth). */
const reversed = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)]));
};

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined fields, whatever the key order of each object', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3, e: undefined }], z: null })).to.equal('{"a":[{"c":3,"d":2}],"b":1,"z":null}');
    // many objects of one shape, then the same shape again in another order, then a shape seen before
    const members = Array.from({ length: 40 }, (_, i) => member(`E${i}`, 'pln_1'));
    const text = canonicalJson({ members });
    expect(canonicalJson(reversed({ members }))).to.equal(text);
    expect(canonicalJson({ members })).to.equal(text);
    expect(JSON.parse(text)).to.deep.equal({ members });
    expect(Object.keys((JSON.parse(text) as { members: Array<Record<string, unknown>> }).members[0]!)).to.deep.equal(
      Object.keys(members[0]!).sort(),
    );
  });

  it('keeps a "__proto__" key of the data as a key (so such bodies are not taken for others)', () => {
    const parsed: unknown = JSON.parse('{"b":1,"__proto__":{"x":1}}');
    expect(canonicalJson(parsed)).to.equal('{"__proto__":{"x":1},"b":1}');
    expect(fingerprint(parsed)).not.to.equal(fingerprint({ b: 1 }));
  });

  it('keeps apart objects whose key lists differ only by a key, over more shapes than it remembers', () => {
    const objects = Array.from({ length: 40 }, (_, i) => ({ [`k${i}`]: i, a: 0, z: 1 }));
    for (const o of objects) expect(canonicalJson(o)).to.equal(JSON.stringify(Object.fromEntries(Object.entries(o).sort())));
    for (const o of objects.reverse()) expect(canonicalJson(reversed(o))).to.equal(canonicalJson(o));
  });
});

describe('fingerprint', () => {
  it('is equal for values equal as data and differs otherwise', () => {
    const members = [member('E1', 'pln_1'), member('E2', 'pln_1')];
    expect(fingerprint(reversed(members))).to.equal(fingerprint(members));
    expect(fingerprint([members[1], members[0]])).not.to.equal(fingerprint(members));
    expect(fingerprint([member('E1', 'pln_2'), members[1]])).not.to.equal(fingerprint(members));
  });
});

describe('requestFingerprint', () => {
  const path = '/v1/groups/grp_1/members/sync';
  const body = { members: [member('E1', 'pln_1')] };

  it('gives the same fingerprint with or without a field fingerprint computed beforehand', () => {
    const known = requestFingerprint('POST', path, body, { members: fingerprint(body.members) });
    expect(known).to.equal(requestFingerprint('POST', path, body));
    expect(requestFingerprint('POST', path, reversed(body) as Record<string, unknown>)).to.equal(known);
  });

  it('differs by method, path, body and a field holding the text of a fingerprint', () => {
    const print = requestFingerprint('POST', path, body);
    expect(requestFingerprint('PATCH', path, body)).not.to.equal(print);
    expect(requestFingerprint('POST', '/v1/groups/grp_2/members/sync', body)).not.to.equal(print);
    expect(requestFingerprint('POST', path, { members: [member('E2', 'pln_1')] })).not.to.equal(print);
    expect(requestFingerprint('POST', path, { ...body, extra: 1 })).not.to.equal(print);
    expect(requestFingerprint('POST', path, { members: fingerprint(body.members) })).not.to.equal(print);
    expect(requestFingerprint('POST', path, { ...body, extra: undefined })).to.equal(print);
  });
});
