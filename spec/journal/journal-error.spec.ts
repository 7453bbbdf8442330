import { expect } from 'chai';
import { JournalError, VitableError } from '../../lib';

describe('JournalError', () => {
  it('is a VitableError with its tag, naming the record at fault', () => {
    const e = new JournalError('accepted for batch 3, which was never sent', { record: 7 });
    expect(e).to.be.instanceOf(VitableError);
    expect(e._tag).to.equal('JournalError');
    expect(e.name).to.equal('JournalError');
    expect(e.record).to.equal(7);
    expect(e.message).to.equal('sync journal, record 7: accepted for batch 3, which was never sent');
    expect(JSON.parse(JSON.stringify(e))).to.deep.include({ _tag: 'JournalError', record: 7 });
  });

  it('says so when no single record is at fault', () => {
    const e = new JournalError('cannot load the journal: ECONNREFUSED');
    expect(e.record).to.equal(undefined);
    expect(e.message).to.equal('sync journal: cannot load the journal: ECONNREFUSED');
  });
});
