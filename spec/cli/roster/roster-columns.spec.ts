import { expect } from 'chai';
import { ROSTER_COLUMNS } from '../../../lib/cli/roster/roster-columns';
import { CSV_HEADER } from '../roster-files';

describe('ROSTER_COLUMNS', () => {
  it('lists the MemberInput fields with the address flattened, the optional ones last', () => {
    expect(CSV_HEADER.split(',')).to.have.members([...ROSTER_COLUMNS.all]);
    expect(ROSTER_COLUMNS.all).to.have.length(12);
    expect([...ROSTER_COLUMNS.required]).to.deep.equal(
      'reference_id first_name last_name date_of_birth phone plan_id address_line_1 city state zipcode'.split(
        ' ',
      ),
    );
    expect([...ROSTER_COLUMNS.address]).to.have.members([
      'address_line_1',
      'address_line_2',
      'city',
      'state',
      'zipcode',
    ]);
  });
});
