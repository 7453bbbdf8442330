import { expect } from 'chai';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import nock from 'nock';
import { lastValueFrom } from 'rxjs';
import { MemberInput, US_STATE_CODES } from '../../lib/codecs';
import { memberInputFor } from '../../lib/codecs/member';
import { ValidationError, type Issue } from '../../lib/errors';
import { API, collect, member, recorder, testClient } from '../http/fixtures';

type Raw = Record<string, unknown>;

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;

/** Submits one member and returns the ValidationError's issues (synchronous: nothing is sent). */
const issuesFor = (m: unknown): ReadonlyArray<Issue> => {
  const r = collect(testClient().members.sync.submit('grp_1', { members: [m] } as never));
  expect(r.error, JSON.stringify(m)).to.be.instanceOf(ValidationError);
  return (r.error as ValidationError).issues;
};

const withField = (key: string, value: unknown): Raw => ({ ...member(1), [key]: value });
const withAddress = (key: string, value: unknown): Raw => ({
  ...member(1),
  address: { ...(member(1)['address'] as Raw), [key]: value },
});
const without = (key: string): Raw => {
  const m = member(1);
  delete m[key];
  return m;
};

const accepts = (m: unknown): boolean => E.isRight(MemberInput.decode(m));

describe('MemberInput', () => {
  describe('rejects, with a ValidationError naming the path, before anything is sent', () => {
    for (const key of ['reference_id', 'first_name', 'last_name']) {
      it(`a missing, empty, blank or non-string ${key}`, () => {
        expect(issuesFor(without(key))).to.deep.equal([
          { path: `members[0].${key}`, message: 'is required' },
        ]);
        for (const bad of ['', '   ', '\t\n'])
          expect(issuesFor(withField(key, bad))).to.deep.equal([
            { path: `members[0].${key}`, message: 'must not be empty' },
          ]);
        expect(issuesFor(withField(key, 42))).to.deep.equal([
          { path: `members[0].${key}`, message: 'must be a string, got number' },
        ]);
      });
    }

    it('a date_of_birth that is not YYYY-MM-DD', () => {
      for (const bad of ['1990/05/15', '15-05-1990', '1990-5-15', '1990-05-15T00:00:00Z', '', '1990-05-1\u0665', '199a-05-15', '1990-05-15\n', '1990_05-15'])
        expect(issuesFor(withField('date_of_birth', bad))).to.deep.equal([
          { path: 'members[0].date_of_birth', message: 'must be a date as YYYY-MM-DD' },
        ]);
    });

    it('a date_of_birth that is not a real calendar date', () => {
      for (const bad of ['2023-02-29', '1990-13-01', '1990-04-31', '1990-00-10'])
        expect(issuesFor(withField('date_of_birth', bad))).to.deep.equal([
          { path: 'members[0].date_of_birth', message: 'is not a real calendar date' },
        ]);
      expect(accepts(withField('date_of_birth', '2024-02-29'))).to.equal(true);
    });

    it('a date_of_birth in the future (judged in UTC by the injected clock), while today is fine', () => {
      const at = Date.UTC(2026, 0, 15, 23, 59, 59); // late on 2026-01-15 UTC
      const codec = memberInputFor(() => at);
      const issues = (m: unknown) => {
        const r = codec.decode(m);
        return E.isLeft(r) ? r.left.map((e) => e.message) : [];
      };
      expect(issues(withField('date_of_birth', isoDay(at + DAY)))).to.deep.equal(['must not be in the future']);
      expect(issues(withField('date_of_birth', '2026-01-16'))).to.deep.equal(['must not be in the future']);
      expect(issues(withField('date_of_birth', '2026-01-15'))).to.deep.equal([]);
      // the day turns with the clock: the same codec accepts 2026-01-16 once it is that day
      let now = at;
      const turning = memberInputFor(() => now);
      expect(E.isRight(turning.decode(withField('date_of_birth', '2026-01-16')))).to.equal(false);
      now += 1000;
      expect(E.isRight(turning.decode(withField('date_of_birth', '2026-01-16')))).to.equal(true);
    });

    it('a date_of_birth before 1900-01-01 (years 0000 to 1899), while 1900-01-01 is fine', () => {
      for (const old of ['1899-12-31', '1800-06-01', '0099-01-01', '0000-02-29', '0001-01-01'])
        expect(issuesFor(withField('date_of_birth', old))).to.deep.equal([
          { path: 'members[0].date_of_birth', message: 'must be on or after 1900-01-01' },
        ]);
      expect(accepts(withField('date_of_birth', '1900-01-01'))).to.equal(true);
    });

    it('a phone that is not 10 digits once punctuation and a leading +1 are dropped', () => {
      for (const bad of [
        '415-555-010',
        '1-415-555-0100',
        '+44 20 7946 0958',
        '415555010x',
        '+1 +1 4155550100',
        '',
        '4155550100 ext 2',
      ])
        expect(issuesFor(withField('phone', bad))).to.deep.equal([
          { path: 'members[0].phone', message: 'must be a 10-digit US phone number' },
        ]);
    });

    it('a plan_id not starting with pln_', () => {
      for (const bad of ['plan_123', 'PLN_123', 'pln_', ' pln_1'])
        expect(issuesFor(withField('plan_id', bad))).to.deep.equal([
          { path: 'members[0].plan_id', message: 'must be a plan id starting with "pln_"' },
        ]);
    });

    it('a missing or non-object address', () => {
      expect(issuesFor(without('address')).map((i) => i.path)).to.deep.equal([
        'members[0].address',
      ]);
      expect(issuesFor(withField('address', '1 Main St')).map((i) => i.path)).to.deep.equal([
        'members[0].address',
      ]);
    });

    for (const key of ['address_line_1', 'city']) {
      it(`an empty address.${key}`, () => {
        expect(issuesFor(withAddress(key, ' '))).to.deep.equal([
          { path: `members[0].address.${key}`, message: 'must not be empty' },
        ]);
        expect(issuesFor(withAddress(key, undefined))).to.deep.equal([
          { path: `members[0].address.${key}`, message: 'is required' },
        ]);
      });
    }

    it('an address.state that is not a US state or territory code', () => {
      for (const bad of ['XX', 'California', 'C A', ''])
        expect(issuesFor(withAddress('state', bad))).to.deep.equal([
          { path: 'members[0].address.state', message: 'must be a US state or territory code' },
        ]);
      for (const ok of ['ca', 'Ny', 'PR', 'gu', 'DC', 'vi'])
        expect(accepts(withAddress('state', ok)), ok).to.equal(true);
    });

    it('an address.zipcode that is not 5 digits or ZIP+4', () => {
      for (const bad of ['9410', '941022', '94102-12', '94102 1234', 'ABCDE'])
        expect(issuesFor(withAddress('zipcode', bad))).to.deep.equal([
          { path: 'members[0].address.zipcode', message: 'must be a 5-digit ZIP code or ZIP+4' },
        ]);
      expect(accepts(withAddress('zipcode', '94102-1234'))).to.equal(true);
    });

    it('an address.address_line_2 that is neither a string nor null', () => {
      expect(issuesFor(withAddress('address_line_2', 4)).map((i) => i.path)).to.deep.equal([
        'members[0].address.address_line_2',
      ]);
      expect(accepts(withAddress('address_line_2', null))).to.equal(true);
      expect(accepts(withAddress('address_line_2', 'Apt 4B'))).to.equal(true);
    });

    it('an email that does not look like one (null and absent are fine)', () => {
      for (const bad of ['jane', 'jane@', '@acme.com', 'jane doe@acme.com', 'jane@acme'])
        expect(issuesFor(withField('email', bad))).to.deep.equal([
          { path: 'members[0].email', message: 'must be an e-mail address' },
        ]);
      expect(issuesFor(withField('email', 7)).map((i) => i.path)).to.deep.equal([
        'members[0].email',
      ]);
      expect(accepts(withField('email', null))).to.equal(true);
      expect(accepts(without('email'))).to.equal(true);
    });

    it('a member that is not an object', () => {
      for (const bad of [null, undefined, 'EMP-1', 3, []])
        expect(
          issuesFor(bad).map((i) => i.path),
          String(bad),
        ).to.deep.equal(['members[0]']);
    });

    it('every problem of a member at once', () => {
      expect(
        issuesFor({ ...withAddress('zipcode', '1'), phone: '1', plan_id: 'x', first_name: '' }).map(
          (i) => i.path,
        ),
      ).to.have.members([
        'members[0].first_name',
        'members[0].phone',
        'members[0].plan_id',
        'members[0].address.zipcode',
      ]);
    });
  });

  describe('properties', () => {
    it('never throws on arbitrary input, and a rejected member gives a ValidationError at subscription', () => {
      const client = testClient();
      fc.assert(
        fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), (value) => {
          const decoded = MemberInput.decode(value);
          let error: unknown;
          client.members.sync
            .submit('grp_1', { members: [value] } as never)
            .subscribe({ error: (e: unknown) => (error = e) });
          if (E.isLeft(decoded)) expect(error).to.be.instanceOf(ValidationError);
        }),
        { numRuns: 300 },
      );
    });

    it('never throws on arbitrary records shaped almost like a member', () => {
      fc.assert(
        fc.property(
          fc.dictionary(
            fc.constantFrom(
              'reference_id',
              'first_name',
              'last_name',
              'date_of_birth',
              'phone',
              'plan_id',
              'email',
              'address',
              'x',
            ),
            fc.oneof(
              fc.string(),
              fc.constant(null),
              fc.integer(),
              fc.dictionary(fc.string(), fc.string()),
            ),
          ),
          (value) => {
            expect(() => MemberInput.decode(value)).not.to.throw();
          },
        ),
      );
    });

    /** A valid member with random punctuation in the phone, random state case, and unknown keys. */
    const arbitraryMember = fc
      .record({
        ref: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== ''),
        first: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== ''),
        digits: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 10, maxLength: 10 }),
        seps: fc.array(fc.constantFrom('', ' ', '-', '.', '(', ')'), {
          minLength: 10,
          maxLength: 10,
        }),
        plusOne: fc.boolean(),
        state: fc.constantFrom(...US_STATE_CODES),
        lower: fc.boolean(),
        email: fc.constantFrom(undefined, null, 'a.b@example.org'),
        extra: fc.dictionary(fc.constantFrom('nickname', 'department', 'salary'), fc.string()),
      })
      .map((g) => {
        const phone =
          (g.plusOne ? '+1 ' : '') + g.digits.map((d, i) => `${g.seps[i]}${d}`).join('');
        const input: Raw = {
          ...g.extra,
          reference_id: g.ref,
          first_name: g.first,
          last_name: 'Doe',
          date_of_birth: '1985-12-31',
          phone,
          plan_id: 'pln_1',
          address: {
            address_line_1: '1 Main St',
            city: 'Austin',
            state: g.lower ? g.state.toLowerCase() : g.state,
            zipcode: '73301',
            floor: 3,
          },
          ...(g.email === undefined ? {} : { email: g.email }),
        };
        const expected: Raw = {
          reference_id: g.ref,
          first_name: g.first,
          last_name: 'Doe',
          date_of_birth: '1985-12-31',
          phone: g.digits.join(''),
          plan_id: 'pln_1',
          address: {
            address_line_1: '1 Main St',
            city: 'Austin',
            state: g.state,
            zipcode: '73301',
          },
          ...(g.email === undefined ? {} : { email: g.email }),
        };
        return { input, expected };
      });

    it('sends exactly what it accepts: phone as 10 digits, state upper-case, unknown keys dropped', async () => {
      const { seen, record } = recorder();
      nock(API)
        .persist()
        .post('/v1/groups/grp_1/members/sync')
        .reply(function (path, body) {
          record(this.req, path, body);
          return [
            202,
            {
              data: {
                request_id: 'grpmsr_1',
                group_id: 'grp_1',
                accepted_at: '2026-01-15T10:30:00Z',
              },
            },
          ];
        });
      const client = testClient();
      await fc.assert(
        fc.asyncProperty(
          fc.array(arbitraryMember, { minLength: 1, maxLength: 4 }),
          async (members) => {
            seen.length = 0;
            await lastValueFrom(
              client.members.sync.submit('grp_1', {
                members: members.map((m) => m.input),
              } as never),
            );
            expect(seen).to.have.length(1);
            expect(seen[0]!.body).to.deep.equal({ members: members.map((m) => m.expected) });
          },
        ),
        { numRuns: 40 },
      );
    });
  });
});

describe('MemberInput (read once)', () => {
  /**
   * A valid, already normalised member (nothing to copy for) whose `phone`
   * getter counts its reads and, after the first, gives `undefined`.
   */
  const flaky = (): { member: Raw; reads: () => number } => {
    let n = 0;
    const member = { ...member_(1), address: { ...(member_(1)['address'] as Raw), state: 'CA' } };
    Object.defineProperty(member, 'phone', {
      enumerable: true,
      get: () => (n++ === 0 ? '4155550100' : undefined),
    });
    return { member, reads: () => n };
  };
  const member_ = member;

  it('reads each field of a given member once and returns a fresh plain object holding what it read', () => {
    const { member: m, reads } = flaky();
    const r = MemberInput.decode(m);
    expect(reads()).to.equal(1);
    expect(E.isRight(r) && r.right).to.not.equal(m);
    expect(E.isRight(r) && JSON.parse(JSON.stringify(r.right)).phone).to.equal('4155550100');
    expect(reads()).to.equal(1);
  });

  it('never hands back a Proxy or an object with accessors, even one already normalised', () => {
    const gets: string[] = [];
    const target = { ...member(1), phone: '4155550100', address: { ...(member(1)['address'] as Raw), state: 'CA' } };
    const proxy = new Proxy(target, {
      get: (o, k, r) => {
        if (typeof k === 'string') gets.push(k);
        return Reflect.get(o, k, r) as unknown;
      },
    });
    const r = MemberInput.decode(proxy);
    expect(E.isRight(r)).to.equal(true);
    expect(E.isRight(r) && r.right).to.not.equal(proxy);
    const read = gets.length;
    expect(gets.filter((k) => k === 'phone')).to.deep.equal(['phone']);
    JSON.stringify(E.isRight(r) ? r.right : null);
    expect(gets.length).to.equal(read); // serialising the decoded value reads nothing of the Proxy
  });

  it('explains a failing member from the one read it made', () => {
    let n = 0;
    const m = { ...member(1), plan_id: 'nope' };
    Object.defineProperty(m, 'first_name', { enumerable: true, get: () => (n++ === 0 ? 'Jane' : undefined) });
    const r = MemberInput.decode(m);
    expect(n).to.equal(1);
    expect(E.isLeft(r) && r.left.map((e) => e.message)).to.deep.equal(['must be a plan id starting with "pln_"']);
  });

  it('submit sends the value it checked: the server sees the field a getter gave only once', async () => {
    const { seen, record } = recorder();
    nock(API)
      .post('/v1/groups/grp_1/members/sync')
      .reply(function (path, body) {
        record(this.req, path, body);
        return [202, { data: { request_id: 'grpmsr_1', group_id: 'grp_1', accepted_at: '2026-01-15T10:30:00Z' } }];
      });
    const { member: m, reads } = flaky();
    await lastValueFrom(testClient().members.sync.submit('grp_1', { members: [m] } as never));
    expect(reads()).to.equal(1);
    expect(seen).to.have.length(1);
    expect((seen[0]!.body as { members: Raw[] }).members[0]!['phone']).to.equal('4155550100');
  });
});
