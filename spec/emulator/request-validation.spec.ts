import { expect } from 'chai';
import { checkGroupCreate, checkGroupUpdate, checkIntegerParam, checkSyncBody, isJsonObject } from '../../lib/emulator/request-validation';

describe('request-validation', () => {
  it('isJsonObject is true for plain objects only', () => {
    expect([{}, { a: 1 }, [], null, 'x', 1].map(isJsonObject)).to.deep.equal([true, true, false, false, false, false]);
  });

  it('checkGroupCreate needs non-empty string name and external_reference_id and ignores other keys', () => {
    expect(checkGroupCreate({ name: 'G', external_reference_id: 'g', other: 1 })).to.deep.equal({ ok: true, value: { name: 'G', external_reference_id: 'g' } });
    expect(checkGroupCreate({ name: ' ', external_reference_id: 3 })).to.deep.equal({
      ok: false,
      problems: [
        { path: 'name', message: 'name must not be empty' },
        { path: 'external_reference_id', message: 'external_reference_id must be a string, got number' },
      ],
    });
    expect(checkGroupCreate({ name: null })).to.deep.include({ ok: false });
  });

  it('checkGroupUpdate takes each field as absent, null or a non-empty string', () => {
    expect(checkGroupUpdate({})).to.deep.equal({ ok: true, value: { name: undefined, external_reference_id: undefined } });
    expect(checkGroupUpdate({ name: null, external_reference_id: 'r' })).to.deep.equal({ ok: true, value: { name: null, external_reference_id: 'r' } });
    expect(checkGroupUpdate({ name: [] })).to.deep.equal({ ok: false, problems: [{ path: 'name', message: 'name must be a string, got array' }] });
  });

  it('checkSyncBody refuses the payload whole for a bad envelope, a non-object member or a missing reference_id', () => {
    expect(checkSyncBody({ members: [{ reference_id: 'E1', first_name: 7 }] }, 10)).to.deep.equal({ ok: true, value: [{ reference_id: 'E1', first_name: 7 }] });
    const problem = (body: Record<string, unknown>, max = 10): string[] => {
      const checked = checkSyncBody(body, max);
      return checked.ok ? [] : checked.problems.map((p) => p.message);
    };
    expect(problem({})).to.deep.equal(['members is required']);
    expect(problem({ members: {} })).to.deep.equal(['members must be an array, got object']);
    expect(problem({ members: [] })).to.deep.equal(['members must contain at least one member']);
    expect(problem({ members: [{ reference_id: 'a' }, { reference_id: 'b' }] }, 1)).to.deep.equal(['members has 2 entries; at most 1 are accepted per sync']);
    expect(problem({ members: [{ reference_id: 'a' }, [], {}, { reference_id: '\t' }, { reference_id: false }] })).to.deep.equal([
      'members[1] must be an object, got array',
      'members[2].reference_id is required',
      'members[3].reference_id must not be empty',
      'members[4].reference_id must be a string, got boolean',
    ]);
    expect(problem({ members: Array.from({ length: 50 }, () => null) }, 100)).to.have.length(20);
  });

  it('checkIntegerParam takes one decimal integer within bounds, or the fallback when absent', () => {
    const check = (query: string) => checkIntegerParam(new URLSearchParams(query), 'limit', 20, 1, 100);
    expect(check('')).to.deep.equal({ ok: true, value: 20 });
    expect(check('limit=100')).to.deep.equal({ ok: true, value: 100 });
    for (const [query, message] of [
      ['limit=0', 'limit must be between 1 and 100'],
      ['limit=1e2', 'limit must be an integer, got "1e2"'],
      ['limit=-1', 'limit must be an integer, got "-1"'],
      ['limit=1&limit=2', 'limit must be given at most once'],
    ])
      expect(check(query!)).to.deep.equal({ ok: false, problems: [{ path: 'limit', message }] });
    expect(checkIntegerParam(new URLSearchParams('page=99999999999999999999'), 'page', 1, 1, Number.MAX_SAFE_INTEGER)).to.deep.equal({
      ok: false,
      problems: [{ path: 'page', message: 'page is too large' }],
    });
  });
});
