import { expect } from 'chai';
import fc from 'fast-check';
import { SourcePositions } from '../../lib/cli/source-positions';

describe('SourcePositions', () => {
  it('maps the k-th parsed record to its file index and line, whatever the unparseable records and line gaps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ bad: fc.boolean(), gap: fc.nat({ max: 2 }) }), { maxLength: 200 }),
        (records) => {
          const positions = new SourcePositions();
          const parsed: Array<{ index: number; line: number }> = [];
          let line = 1;
          records.forEach((r, index) => {
            line += 1 + r.gap;
            positions.record(index, line, r.bad);
            if (!r.bad) parsed.push({ index, line });
          });
          parsed.forEach((p, k) => {
            expect(positions.fileIndex(k)).to.equal(p.index);
            expect(positions.lineOf(p.index)).to.equal(p.line);
          });
          expect(positions.unparseable).to.equal(records.filter((r) => r.bad).length);
        },
      ),
    );
  });
});
