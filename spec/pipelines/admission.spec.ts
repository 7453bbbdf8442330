import { expect } from 'chai';
import { Admission } from '../../lib/pipelines/admission';
import { makeMember } from '../helpers/roster';

describe('Admission', () => {
  it('admits a valid member with its decoded form, its body bytes and a handle that gives its reference_id back', () => {
    const admission = new Admission(1_000_000);
    const raw = makeMember(3);
    const result = admission.admit(raw);
    expect(result.kind).to.equal('admitted');
    if (result.kind !== 'admitted') return;
    expect(result.member.reference_id).to.equal(raw['reference_id']);
    expect(result.bytes).to.equal(Buffer.byteLength(JSON.stringify(result.member), 'utf8'));
    expect(admission.seen.idAt(result.handle)).to.equal(raw['reference_id']);
  });

  it('rejects a member that fails the codec with its issues and its reference_id when it has one', () => {
    const admission = new Admission(1_000_000);
    const result = admission.admit({ ...makeMember(1), first_name: '' });
    expect(result).to.deep.include({ kind: 'rejected', referenceId: 'EMP-000001' });
    if (result.kind === 'rejected') expect(result.issues.map((i) => i.path)).to.deep.equal(['first_name']);
    expect(admission.admit(42)).to.not.have.property('referenceId');
  });

  it('admits the first valid occurrence of a reference_id and rejects the later ones; an invalid one blocks nothing', () => {
    const admission = new Admission(1_000_000);
    expect(admission.admit({ ...makeMember(1), phone: 'x' }).kind).to.equal('rejected');
    expect(admission.admit(makeMember(1)).kind).to.equal('admitted');
    const again = admission.admit(makeMember(1));
    expect(again.kind).to.equal('rejected');
    if (again.kind === 'rejected') expect(again.issues[0]!.message).to.match(/repeats "EMP-000001"/);
  });

  it('rejects a member too large for a batch of its own, and does not take its reference_id', () => {
    const admission = new Admission(300);
    const big = { ...makeMember(1), first_name: 'x'.repeat(400) };
    const result = admission.admit(big);
    expect(result.kind).to.equal('rejected');
    if (result.kind === 'rejected') expect(result.issues[0]!.message).to.match(/over maxBytes 300/);
    expect(admission.admit(makeMember(1)).kind).to.equal('admitted');
  });

  it('rejects, never throws, a member that cannot be read: a throwing getter, a Proxy whose traps throw, a BigInt', () => {
    const admission = new Admission(1_000_000);
    const getter = Object.defineProperty({ ...makeMember(1) }, 'last_name', {
      enumerable: true,
      get: () => {
        throw new Error('getter gone');
      },
    });
    const proxy = new Proxy(makeMember(2), {
      get: () => {
        throw new Error('trap');
      },
      ownKeys: () => {
        throw new Error('trap');
      },
    });
    const hostile: ReadonlyArray<[unknown, RegExp]> = [
      [getter, /cannot be read: getter gone/],
      [proxy, /cannot be read: trap/],
    ];
    for (const [value, message] of hostile) {
      const result = admission.admit(value);
      expect(result.kind).to.equal('rejected');
      if (result.kind === 'rejected') expect(result.issues[0]!.message).to.match(message);
    }
    const bigint = admission.admit({ ...makeMember(3), first_name: 10n });
    expect(bigint.kind).to.equal('rejected');
    // keys the codec does not read are not sent, but a member that no serialiser could write is unreadable
    const cyclic: Record<string, unknown> = { ...makeMember(4) };
    cyclic.self = cyclic;
    const big = { ...makeMember(5), employee_number: 10n };
    const gone = Object.defineProperty({ ...makeMember(6) }, 'notes', {
      enumerable: true,
      get: () => {
        throw new Error('notes gone');
      },
    });
    for (const [value, message] of [
      [cyclic, /^cannot be read: its "self" cannot be serialised: Converting circular structure to JSON$/],
      [big, /^cannot be read: its "employee_number" cannot be serialised: a BigInt/],
      [gone, /^cannot be read: notes gone$/],
    ] as const) {
      const result = admission.admit(value);
      expect(result).to.deep.include({ kind: 'rejected' });
      if (result.kind === 'rejected') expect(result.issues[0]!.message).to.match(message);
    }
    // unknown keys that a serialiser can write are simply not sent
    const extra = admission.admit({ ...makeMember(7), employee_number: 7, tags: ['a'], manager: { id: 1 } });
    expect(extra.kind).to.equal('admitted');
    if (extra.kind === 'admitted') expect(extra.member).to.not.have.property('employee_number');
  });
});
