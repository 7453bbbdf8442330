import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { expect } from 'chai';
import { createClient } from '../../lib/client';
import {
  abortControllerCanceller,
  cancelSignalCanceller,
  CancelSignal,
} from '../../lib/http/request-canceller';
import { group, waitFor } from './fixtures';

describe('CancelSignal', () => {
  it('starts not aborted, with no reason', () => {
    const cancel = new CancelSignal();
    expect(cancel.signal).to.equal(cancel);
    expect(cancel.aborted).to.equal(false);
    expect(cancel.reason).to.equal(undefined);
  });

  it('on abort, calls onabort and every abort listener once, with an abort event and the signal as this', () => {
    const cancel = new CancelSignal();
    const calls: string[] = [];
    cancel.onabort = function (event) {
      calls.push(`onabort ${event.type} ${String(this === cancel)}`);
    };
    const first = function (this: unknown, event: { type: string; target: unknown }): void {
      calls.push(
        `first ${event.type} ${String(this === cancel)} ${String(event.target === cancel)}`,
      );
    };
    cancel.signal.addEventListener?.('abort', first);
    cancel.signal.addEventListener?.('abort', first); // the same listener twice counts once, as on a DOM signal
    cancel.signal.addEventListener?.('abort', () => calls.push('second'));
    cancel.abort();
    cancel.abort(); // a second abort does nothing
    expect(calls).to.deep.equal(['onabort abort true', 'first abort true true', 'second']);
    expect(cancel.aborted).to.equal(true);
    expect(cancel.reason).to.be.instanceOf(DOMException);
    expect((cancel.reason as DOMException).name).to.equal('AbortError');
  });

  it('does not call a removed listener, nor listeners of other event types', () => {
    const cancel = new CancelSignal();
    const calls: string[] = [];
    const removed = (): number => calls.push('removed');
    cancel.addEventListener('abort', removed);
    cancel.addEventListener('other', () => calls.push('other'));
    cancel.addEventListener('abort', () => calls.push('kept'));
    cancel.removeEventListener('abort', removed);
    cancel.removeEventListener('abort', () => 0); // unknown listener: nothing happens
    cancel.abort();
    expect(calls).to.deep.equal(['kept']);
  });

  it('ignores listeners added after the abort (axios checks `aborted` first)', () => {
    const cancel = new CancelSignal();
    cancel.abort();
    let called = false;
    cancel.addEventListener('abort', () => (called = true));
    cancel.abort();
    expect(called).to.equal(false);
  });
});

describe('request cancellers', () => {
  it('abortControllerCanceller hands axios a real AbortSignal; cancelSignalCanceller a CancelSignal', () => {
    const real = abortControllerCanceller();
    expect(real.signal).to.be.instanceOf(AbortSignal);
    real.abort();
    expect(real.signal.aborted).to.equal(true);
    const light = cancelSignalCanceller();
    expect(light).to.be.instanceOf(CancelSignal);
    expect(light.signal.aborted).to.equal(false);
  });
});

describe('cancellation over a real socket', () => {
  let server: http.Server;
  let url: string;
  /** Requests the server holds, unanswered; `closed` turns true when the client drops the connection. */
  let held: Array<{ path: string; closed: boolean; res: http.ServerResponse }>;

  beforeEach(async () => {
    held = [];
    server = http.createServer((req, res) => {
      const entry = { path: req.url ?? '', closed: false, res };
      res.on('close', () => (entry.closed = !res.writableEnded));
      held.push(entry);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const clients = {
    'its own axios instance (CancelSignal)': () =>
      createClient({ apiKey: 'vc_test_cancel', baseURL: url }),
    'a given axios instance (AbortController)': () =>
      createClient({ apiKey: 'vc_test_cancel', baseURL: url, axios: axios.create() }),
  };

  for (const [name, make] of Object.entries(clients)) {
    it(`with ${name}: unsubscribing drops the connection of the request in flight, and nothing is emitted`, async () => {
      const seen: unknown[] = [];
      const subscription = make()
        .groups.retrieve('grp_1')
        .subscribe({ next: (g) => seen.push(g), error: (e: unknown) => seen.push(e) });
      await waitFor(() => held.length === 1, 'the request to reach the server');
      expect(held[0]!.path).to.equal('/v1/groups/grp_1');
      expect(held[0]!.closed).to.equal(false);
      subscription.unsubscribe();
      await waitFor(() => held[0]!.closed, 'the client to drop the connection');
      expect(seen).to.deep.equal([]);
      expect(held).to.have.length(1);
    });

    it(`with ${name}: an answered request is not aborted afterwards, and its group is emitted`, async () => {
      const seen: unknown[] = [];
      let completed = false;
      make()
        .groups.retrieve('grp_1')
        .subscribe({ next: (g) => seen.push(g), complete: () => (completed = true) });
      await waitFor(() => held.length === 1, 'the request to reach the server');
      held[0]!.res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: group(1) }));
      await waitFor(() => completed, 'the answer');
      expect(seen).to.deep.equal([group(1)]);
      expect(held[0]!.closed).to.equal(false);
    });
  }
});
