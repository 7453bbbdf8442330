import { expect } from 'chai';
import { etaText, progressLine } from '../../lib/cli/progress-line';

describe('progressLine', () => {
  const state = {
    fraction: 0.42,
    read: 4_210_000,
    synced: 4_000_000,
    failed: 2_000,
    invalid: 8_000,
    membersPerSecond: 93_522.4,
    etaSeconds: 725,
  };

  it('fits any width from 20 to 200 columns, always keeping the percentage, rate and ETA where they fit', () => {
    for (let width = 20; width <= 200; width++) {
      const line = progressLine(width, state);
      expect(line.length, `width ${width}: ${line}`).to.be.below(width);
      expect(line).to.contain('42%');
      if (width >= 40)
        expect(line, `width ${width}`).to.contain('93,522/s').and.contain('ETA 12m05s');
    }
  });

  it('shows every count on a wide terminal, and drops read, then the labels, then the bar as it narrows', () => {
    expect(progressLine(160, state)).to.match(
      /^ [\u2588\u2591]{30} 42% \| read 4,210,000 \| synced 4,000,000 \| failed 2,000 \| invalid 8,000 \| 93,522\/s \| ETA 12m05s$/,
    );
    const small = { ...state, read: 42_100, synced: 40_000, failed: 20, invalid: 80 };
    expect(progressLine(80, small))
      .to.contain('synced 40,000 | failed 20 | invalid 80')
      .and.match(/[\u2588\u2591]{8,}/)
      .and.not.contain('read 42,100');
    expect(progressLine(80, state)).to.contain('synced 4,000,000 | not synced 10,000');
    expect(progressLine(50, state)).to.equal(' 42% | 93,522/s | ETA 12m05s');
  });

  it('says -- for an unknown ETA and formats hours', () => {
    expect(etaText(Number.NaN)).to.equal('--');
    expect(etaText(Number.POSITIVE_INFINITY)).to.equal('--');
    expect(etaText(42.4)).to.equal('42s');
    expect(etaText(3 * 3600 + 7 * 60 + 5)).to.equal('3h07m');
  });
});
