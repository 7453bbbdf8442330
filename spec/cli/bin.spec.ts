import { expect } from 'chai';
import { VERSION } from '../../lib/http/version';
import { buildCli, runCli } from './cli-harness';

// The `vitable-connect` executable itself, run as a child process: it exits
// with main's status, and reports its peak RSS when asked.
describe('vitable-connect executable (child process)', function () {
  this.timeout(30_000);

  before(async function () {
    this.timeout(60_000);
    await buildCli();
  });

  it("exits with main's status: 0 and the version for --version, 2 for an unknown command", async () => {
    const [version, unknown] = await Promise.all([
      runCli(['--version'], { env: { VITABLE_CONNECT_REPORT_RSS: '1' } }),
      runCli(['frobnicate']),
    ]);
    expect(version.status, version.stderr).to.equal(0);
    expect(version.stdout).to.equal(`${VERSION}\n`);
    expect(version.stderr).to.match(/^peak-rss-kb: \d+\n$/);
    expect(version.peakRssKb).to.be.above(0);
    expect(unknown.status).to.equal(2);
    expect(unknown.stderr)
      .to.contain("unknown command 'frobnicate'")
      .and.not.contain('peak-rss-kb');
  });
});
