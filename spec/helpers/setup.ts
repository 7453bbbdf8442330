// Loaded by mocha before every spec (see .mocharc.json): no live network, ever.
// nock answers unit tests; integration tests talk to the emulator on loopback.
import nock from 'nock';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);

export const mochaHooks = {
  afterEach(): void {
    nock.abortPendingRequests(); // delayed replies keep real timers alive otherwise
    nock.cleanAll();
  },
};
