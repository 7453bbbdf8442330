import { expect } from 'chai';
import { isLeft, isRight } from 'fp-ts/Either';
import { MemberInput, toIssues } from '../../lib/codecs';
import { INVALID_FAULTS, makeInvalidMember, rosterEntries, rosterExpectation, UNKNOWN_PLAN_ID, type RosterOptions } from '../helpers/roster';

describe('roster generators (spec/helpers/roster.ts)', () => {
  const spec: RosterOptions = { size: 3000, seed: 3, invalidRate: 0.1, repeatRate: 0.05, unknownPlanRate: 0.05 };

  it('are deterministic for a seed and differ across seeds', () => {
    const a = JSON.stringify([...rosterEntries(spec)]);
    expect(JSON.stringify([...rosterEntries(spec)])).to.equal(a);
    expect(JSON.stringify([...rosterEntries({ ...spec, seed: 4 })])).to.not.equal(a);
  });

  it('label each entry with what the codec and the server will make of it', () => {
    const firstValid = new Set<string>();
    const counts: Record<string, number> = {};
    for (const e of rosterEntries(spec)) {
      counts[e.kind] = (counts[e.kind] ?? 0) + 1;
      const decoded = MemberInput.decode(e.member);
      if (e.kind === 'invalid') expect(isLeft(decoded), `entry ${e.index}`).to.equal(true);
      else {
        expect(isRight(decoded), `entry ${e.index}`).to.equal(true);
        const ref = isRight(decoded) ? decoded.right.reference_id : '';
        if (e.kind === 'repeat') expect(firstValid.has(ref), `entry ${e.index} repeats`).to.equal(true);
        else {
          expect(firstValid.has(ref)).to.equal(false);
          firstValid.add(ref);
          expect(isRight(decoded) && decoded.right.plan_id === UNKNOWN_PLAN_ID).to.equal(e.kind === 'unknown-plan');
        }
      }
    }
    for (const kind of ['valid', 'invalid', 'repeat', 'unknown-plan']) expect(counts[kind], kind).to.be.above(50);
    const expected = rosterExpectation(spec);
    expect(expected.read).to.equal(3000);
    expect(expected.invalid).to.equal(counts['invalid']! + counts['repeat']!);
    expect(expected.serverFailed).to.equal(counts['unknown-plan']);
    expect(expected.synced).to.equal(counts['valid']);
  });

  it('make one invalid member per fault, each rejected by the codec at its own path', () => {
    const paths = INVALID_FAULTS.map((_, i) => {
      const decoded = MemberInput.decode(makeInvalidMember(i));
      expect(isLeft(decoded), INVALID_FAULTS[i]).to.equal(true);
      return isLeft(decoded) ? toIssues(decoded.left).map((x) => x.path).join(',') : '';
    });
    expect(paths).to.deep.equal([
      'first_name',
      'date_of_birth',
      'phone',
      'address.zipcode',
      'address.state',
      'plan_id',
      'reference_id',
      '',
    ]);
  });
});
