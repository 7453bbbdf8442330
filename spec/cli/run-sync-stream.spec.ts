import { expect } from 'chai';
import { concat, Observable, of, Subject, throwError } from 'rxjs';
import { interrupted } from '../../lib/cli/partial-report';
import { runSyncStream } from '../../lib/cli/run-sync-stream';
import type { CliSyncEvent } from '../../lib/cli/sync-file';
import type { SyncOutput } from '../../lib/cli/sync-output';
import type { SyncReport } from '../../lib/pipelines/sync-events';

const report = (synced: number): SyncReport => ({
  groupId: 'grp_1',
  read: synced,
  invalid: 0,
  failed: 0,
  synced,
  added: synced,
  removed: 0,
  requestIds: ['grpmsr_1'],
  failures: [],
  startedAt: '2026-01-15T10:30:00.000Z',
  durationMs: 10,
});

const submitted: CliSyncEvent = { type: 'submitted', requestId: 'grpmsr_1', size: 2 };
const done = (synced: number): CliSyncEvent => ({ type: 'done', report: report(synced) });

/** A SyncOutput that records, in one list, the events it was shown and its stops. */
const recordingOutput = (): SyncOutput & { readonly log: Array<CliSyncEvent | 'stop'> } => {
  const log: Array<CliSyncEvent | 'stop'> = [];
  return {
    log,
    event: (e) => void log.push(e),
    retry: () => undefined,
    retries: 0,
    stop: () => void log.push('stop'),
  };
};

describe('runSyncStream', () => {
  it("shows every event in order, stops the output once at the end, and resolves with done's report", async () => {
    const output = recordingOutput();
    const outcome = await runSyncStream(of(submitted, done(2)), output);
    expect(outcome).to.deep.equal({ report: report(2), error: undefined, interrupted: false });
    expect(output.log).to.deep.equal([submitted, done(2), 'stop']);
  });

  it("resolves with the interrupted event's report and interrupted: true when the sync was stopped", async () => {
    const stopped: CliSyncEvent = {
      type: 'interrupted',
      report: interrupted({ ...report(1), read: 2 }),
    };
    const output = recordingOutput();
    const outcome = await runSyncStream(of(submitted, stopped), output);
    expect(outcome).to.deep.equal({
      report: { ...report(1), read: 2, interrupted: true, unfinished: 1 },
      error: undefined,
      interrupted: true,
    });
    expect(output.log).to.deep.equal([submitted, stopped, 'stop']);
  });

  it("resolves with both done's report and the error when the stream errors after done, the output stopped", async () => {
    const failure = new Error('reading the roster failed');
    const output = recordingOutput();
    const outcome = await runSyncStream(
      concat(
        of(submitted, done(2)),
        throwError(() => failure),
      ),
      output,
    );
    expect(outcome.report).to.deep.equal(report(2));
    expect(outcome.error).to.equal(failure);
    expect(outcome.interrupted).to.equal(false);
    expect(output.log).to.deep.equal([submitted, done(2), 'stop']);
  });

  it('resolves with no report and the error when the stream errors before done', async () => {
    const failure = new Error('journal belongs to another sync');
    const output = recordingOutput();
    const outcome = await runSyncStream(
      concat(
        of(submitted),
        throwError(() => failure),
      ),
      output,
    );
    expect(outcome).to.deep.equal({ report: undefined, error: failure, interrupted: false });
    expect(output.log).to.deep.equal([submitted, 'stop']);
  });

  it('resolves with neither report nor error when the stream completes without done', async () => {
    const output = recordingOutput();
    expect(await runSyncStream(of(submitted), output)).to.deep.equal({
      report: undefined,
      error: undefined,
      interrupted: false,
    });
    expect(output.log).to.deep.equal([submitted, 'stop']);
  });

  it('settles only when the stream ends, not at done, and stops the output then', async () => {
    const events = new Subject<CliSyncEvent>();
    const output = recordingOutput();
    let settled = false;
    const outcome = runSyncStream(events, output).then((o) => {
      settled = true;
      return o;
    });
    events.next(submitted);
    events.next(done(2));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(settled).to.equal(false);
    expect(output.log).to.deep.equal([submitted, done(2)]); // not stopped yet
    events.complete();
    expect((await outcome).report).to.deep.equal(report(2));
    expect(output.log).to.deep.equal([submitted, done(2), 'stop']);
  });

  it('subscribes to the events once', async () => {
    let subscriptions = 0;
    const events = new Observable<CliSyncEvent>((subscriber) => {
      subscriptions++;
      subscriber.next(done(3));
      subscriber.complete();
    });
    await runSyncStream(events, recordingOutput());
    expect(subscriptions).to.equal(1);
  });
});
