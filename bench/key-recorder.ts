/**
 * A pass-through HTTP server in front of an emulator that notes the
 * `Idempotency-Key` of every sync submit going through it, so that the crash
 * soak can tell the batches a resumed run sent again (keys recorded in the
 * journal before that run) from the client's own retries of a submit (the
 * same key again within one run). Requests and answers pass unchanged; a
 * connection the emulator drops is dropped towards the client too.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running recorder. */
export interface KeyRecorder {
  /** The URL to give the client instead of the emulator's. */
  readonly url: string;
  /** The key of every sync submit so far, in the order they came (retries included). */
  readonly keys: ReadonlyArray<string>;
  stop(): Promise<void>;
}

const SUBMIT = /^\/v1\/groups\/[^/]+\/members\/sync$/;

/** Starts a recorder on loopback that forwards everything to `target`. */
export const startKeyRecorder = async (target: string): Promise<KeyRecorder> => {
  const upstream = new URL(target);
  const keys: string[] = [];
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const key = req.headers['idempotency-key'];
    if (req.method === 'POST' && SUBMIT.test(req.url ?? '') && typeof key === 'string') keys.push(key);
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('aborted', () => res.destroy()).pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    keys,
    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
