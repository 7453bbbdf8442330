// Plain node:http calls for the emulator specs: they must not go through the
// library's client, so that the emulator is checked on its own.
import * as http from 'node:http';

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** The parsed JSON body (undefined when the body is not JSON). */
  readonly json: unknown;
}

export interface Call {
  readonly method?: string;
  readonly path: string;
  /** An object is sent as JSON; a string is sent as is. */
  readonly body?: unknown;
  /** `null` sends no Authorization header. */
  readonly apiKey?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A JSON value seen through an index, for field-by-field assertions with chai. */
export interface Json {
  readonly [key: string]: Json;
}

/** Looks at `value` as untyped JSON (for field-by-field assertions). */
export const j = (value: unknown): Json => value as Json;

const agent = new http.Agent({ keepAlive: false });

/** Sends one request to `baseUrl`; rejects when the connection fails or is dropped. */
export const call = (baseUrl: string, apiKey: string, c: Call): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const url = new URL(c.path, baseUrl);
    const payload = c.body === undefined ? undefined : typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
    const headers: Record<string, string> = { accept: 'application/json', ...c.headers };
    const key = c.apiKey === undefined ? apiKey : c.apiKey;
    if (key !== null) headers['authorization'] = `Bearer ${key}`;
    if (payload !== undefined) {
      headers['content-type'] = headers['content-type'] ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const req = http.request(url, { method: c.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });

/** Outcome of a call that may be dropped: the status, or `'dropped'`. */
export const outcome = (p: Promise<Reply>): Promise<number | 'dropped'> =>
  p.then(
    (r) => r.status,
    () => 'dropped' as const,
  );

/** A member as the HTTP reference shows it, with overrides. */
export const member = (ref: string, planId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  reference_id: ref,
  first_name: 'Jane',
  last_name: 'Doe',
  date_of_birth: '1990-05-15',
  phone: '4155550100',
  plan_id: planId,
  email: 'jane.doe@acme.com',
  address: { address_line_1: '123 Main Street', address_line_2: 'Apt 4B', city: 'San Francisco', state: 'CA', zipcode: '94102' },
  ...overrides,
});

/** Waits (polling every few ms) until the sync request is completed, and returns it. */
export const waitForSync = async (baseUrl: string, apiKey: string, groupId: string, requestId: string): Promise<Reply> => {
  for (let i = 0; i < 200; i++) {
    const reply = await call(baseUrl, apiKey, { path: `/v1/groups/${groupId}/members/sync/${requestId}` });
    if (reply.status !== 200 || j(reply.json).data.completed_at !== null) return reply;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`sync ${requestId} did not complete`);
};
