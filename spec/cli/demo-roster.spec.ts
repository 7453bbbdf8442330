import { expect } from 'chai';
import fc from 'fast-check';
import { isRight } from 'fp-ts/Either';
import { asapScheduler, lastValueFrom } from 'rxjs';
import { checkDemoReport, demoRoster, type PlantedProblem } from '../../lib/cli/demo-roster';
import { MemberInput } from '../../lib/codecs';
import { Admission } from '../../lib/pipelines/admission';
import { DEFAULT_MAX_BYTES } from '../../lib/operators/resolve-batch-options';
import type { DoneEvent, SyncReport } from '../../lib/pipelines/sync-events';
import { syncRoster } from '../../lib/pipelines/sync-roster';
import { useCliEmulator } from './cli-emulator';

const PLANS = ['pln_a', 'pln_b', 'pln_c'];

describe('demoRoster', () => {
  it('plants six problems in a large roster, evenly spread, in a fixed order, each with the stage that must report it', () => {
    expect(demoRoster(10_000, PLANS).planted).to.deep.equal([
      { index: 1428, stage: 'validation', what: 'phone with too few digits' },
      { index: 2857, stage: 'validation', what: 'date of birth in the future' },
      { index: 4285, stage: 'validation', what: 'unknown state code' },
      { index: 5714, stage: 'validation', what: 'reference_id repeated from the first member' },
      { index: 7142, stage: 'validation', what: 'empty last name' },
      { index: 8571, stage: 'server', what: 'plan unknown to the server' },
    ]);
  });

  it('plants fewer problems in tiny rosters, at most a third of the members, none in fewer than three', () => {
    expect(demoRoster(2, PLANS).planted).to.deep.equal([]);
    expect(demoRoster(3, PLANS).planted).to.deep.equal([
      { index: 1, stage: 'validation', what: 'phone with too few digits' },
    ]);
    expect(demoRoster(9, PLANS).planted.map((p) => p.index)).to.deep.equal([2, 4, 6]);
  });

  it('puts each problem at a member of its own, inside the roster and never at member 0, whose reference_id the repeat copies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (size) => {
        const indices = demoRoster(size, PLANS).planted.map((p) => p.index);
        expect(indices).to.have.length(Math.min(6, Math.floor(size / 3)));
        for (let k = 0; k < indices.length; k++) {
          expect(indices[k]).to.be.within(1, size - 1);
          if (k > 0) expect(indices[k]).to.be.above(indices[k - 1]!);
        }
      }),
    );
  });

  it('makes its members one at a time as they are pulled: ten million cost nothing until read', () => {
    const iterator = demoRoster(10_000_000, PLANS).members[Symbol.iterator]();
    const first = [iterator.next(), iterator.next(), iterator.next()];
    expect(first.map((r) => (r.value as Record<string, unknown>)['reference_id'])).to.deep.equal([
      'DEMO-000000',
      'DEMO-000001',
      'DEMO-000002',
    ]);
    iterator.return?.();
  });

  it('makes exactly size members, the same on every iteration and for the same seed, others for another seed', () => {
    const roster = demoRoster(50, PLANS, 42);
    const once = [...roster.members];
    expect(once).to.have.length(50);
    expect([...roster.members]).to.deep.equal(once);
    expect([...demoRoster(50, PLANS, 42).members]).to.deep.equal(once);
    expect([...demoRoster(50, PLANS, 43).members]).not.to.deep.equal(once);
    expect([...demoRoster(50, PLANS).members]).to.deep.equal([
      ...demoRoster(50, PLANS, 20260115).members,
    ]);
  });

  it('makes every member that has no problem valid, on the given plans, with a reference_id of its own', () => {
    const roster = demoRoster(600, PLANS);
    const planted = new Set(roster.planted.map((p) => p.index));
    const refs = new Set<string>();
    const plans = new Set<string>();
    let i = 0;
    for (const member of roster.members) {
      if (!planted.has(i)) {
        const decoded = MemberInput.decode(member);
        expect(isRight(decoded), `member ${i}`).to.equal(true);
        if (isRight(decoded)) {
          refs.add(decoded.right.reference_id);
          plans.add(decoded.right.plan_id);
        }
      }
      i++;
    }
    expect(refs.size).to.equal(600 - planted.size);
    expect([...plans].sort()).to.deep.equal(PLANS);
  });

  it('uses pln_demo_basic when given no plans', () => {
    const plans = new Set([...demoRoster(30, []).members].map((m) => m['plan_id']));
    plans.delete('pln_retired_2019'); // the planted unknown plan
    expect([...plans]).to.deep.equal(['pln_demo_basic']);
  });

  it("plants problems the sync finds where they say: syncRoster's validation rejects exactly the validation ones, the server one has a plan the organization lacks", () => {
    const roster = demoRoster(1_000, PLANS);
    const server = roster.planted.find((p) => p.stage === 'server')!;
    const admission = new Admission(DEFAULT_MAX_BYTES);
    const rejected: number[] = [];
    let serverPlan: unknown;
    let i = 0;
    for (const member of roster.members) {
      if (admission.admit(member).kind === 'rejected') rejected.push(i);
      if (i === server.index) serverPlan = member['plan_id'];
      i++;
    }
    const byStage = (stage: PlantedProblem['stage']) =>
      roster.planted.filter((p) => p.stage === stage).map((p) => p.index);
    expect(rejected).to.deep.equal(byStage('validation'));
    expect(byStage('server')).to.have.length(1);
    expect(serverPlan).to.be.a('string').that.matches(/^pln_/);
    expect(PLANS).not.to.include(serverPlan);
  });
});

describe('checkDemoReport', () => {
  /** The report a demo of `size` members must end with. */
  const expectedReport = (planted: ReadonlyArray<PlantedProblem>, size: number): SyncReport => {
    const invalid = planted.filter((p) => p.stage === 'validation').length;
    return {
      groupId: 'grp_1',
      read: size,
      invalid,
      failed: planted.length - invalid,
      synced: size - planted.length,
      added: size - planted.length,
      removed: 0,
      requestIds: ['grpmsr_1'],
      failures: planted.map((p) => ({
        reference_id: `DEMO-${String(p.index).padStart(6, '0')}`,
        index: p.index,
        stage: p.stage,
        reason: p.what,
      })),
      startedAt: '2026-01-15T10:30:00.000Z',
      durationMs: 10,
    };
  };
  const { planted } = demoRoster(30, PLANS);
  const good = expectedReport(planted, 30);

  describe('against the emulator', () => {
    const fx = useCliEmulator('demo-roster', 'Demo', { cli: false, processingDelayMs: 0 });

    it('finds nothing amiss in a real sync of the demo roster, and the emulator holds every member but the planted ones', async () => {
      const group = await fx.newGroup();
      const roster = demoRoster(90, fx.emulator.planIds);
      const done = (await lastValueFrom(
        syncRoster(fx.client, group.id, roster.members, {
          maxMembers: 25,
          poll: { initialDelayMs: 0, maxDelayMs: 0, scheduler: asapScheduler },
        }),
      )) as DoneEvent;
      expect(checkDemoReport(done.report, roster.planted, 90)).to.deep.equal([]);
      const planted = new Set(roster.planted.map((p) => p.index));
      const expected = [...roster.members]
        .filter((_, i) => !planted.has(i))
        .map((m) => m['reference_id'] as string);
      expect(fx.emulator.members(group.id).map((m) => m.reference_id)).to.have.members(expected);
    });
  });

  it('finds nothing amiss in a report that has exactly the planted problems and synced the rest', () => {
    expect(checkDemoReport(good, planted, 30)).to.deep.equal([]);
  });

  it('names a planted problem that was not reported, and a failure that was not planted', () => {
    const [first, ...rest] = good.failures;
    const stray = {
      reference_id: 'DEMO-000003',
      index: 3,
      stage: 'server' as const,
      reason: 'Invalid plan_id',
    };
    expect(checkDemoReport({ ...good, failures: [...rest, stray] }, planted, 30)).to.deep.equal([
      `planted problem not reported: phone with too few digits (member ${first!.index}, validation)`,
      'unexpected failure: member 3 DEMO-000003 (server): Invalid plan_id',
    ]);
  });

  it('counts a planted problem reported at another stage as both missing and unexpected, and shows an unknown index as ?', () => {
    const server = planted.find((p) => p.stage === 'server')!;
    const failures = good.failures.map((f) =>
      f.index === server.index ? { ...f, stage: 'request' as const, reason: 'timed out' } : f,
    );
    const lost = { stage: 'request' as const, reason: 'connection reset' };
    const problems = checkDemoReport({ ...good, failures: [...failures, lost] }, planted, 30);
    expect(problems.slice(0, 2)).to.deep.equal([
      `planted problem not reported: plan unknown to the server (member ${server.index}, server)`,
      `unexpected failure: member ${server.index} DEMO-${String(server.index).padStart(6, '0')} (request): timed out`,
    ]);
    expect(problems[2]).to.match(/^unexpected failure: member \? +\(request\): connection reset$/);
    expect(problems).to.have.length(3);
  });

  it('names each count that does not add up: read, invalid, failed, synced, and members the server added', () => {
    const cases: Array<[Partial<SyncReport>, string]> = [
      [{ read: 29 }, 'read 29 members, expected 30'],
      [{ invalid: 4 }, '4 invalid, expected 5'],
      [{ failed: 2 }, '2 failed, expected 1'],
      [{ synced: 23, added: 23 }, '23 synced, expected 24'],
      [{ added: 20 }, 'the server added 20 members, expected 24'],
    ];
    for (const [change, problem] of cases)
      expect(checkDemoReport({ ...good, ...change }, planted, 30), problem).to.deep.equal([
        problem,
      ]);
  });
});
