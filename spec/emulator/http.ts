// Plain node:http calls for the emulator specs: they must not go through the
// library's client, so that the emulator is checked on its own.
import type * as http from 'node:http';
import * as net from 'node:net';

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

/** A request written byte for byte: `target` and headers exactly as given, `body` as given. */
export interface RawCall {
  readonly method: string;
  readonly target: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body?: string | Buffer;
}

const parseReply = (bytes: Buffer, head: boolean): Reply | undefined => {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN);
  if (!Number.isInteger(status)) return undefined;
  const headers: http.IncomingHttpHeaders = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = head ? 0 : Number(headers['content-length'] ?? 0);
  const body = bytes.subarray(end + 4);
  if (body.length < length) return undefined;
  const text = body.subarray(0, length).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, text, json };
};

/**
 * Sends one request over a fresh TCP connection, written by hand (so that
 * targets like `//v1/groups` and any bytes reach the server unchanged), and
 * reads the answer; rejects when the connection ends without one.
 */
export const raw = (baseUrl: string, r: RawCall): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const base = new URL(baseUrl);
    const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, 'utf8');
    const head = [`${r.method} ${r.target} HTTP/1.1`, `host: ${base.host}`, 'connection: close'];
    for (const [name, value] of r.headers) head.push(`${name}: ${value}`);
    if (body !== undefined) head.push(`content-length: ${body.length}`);
    const socket = net.connect(Number(base.port), base.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const reply = parseReply(Buffer.concat(chunks), r.method === 'HEAD');
      if (reply === undefined) reject(new Error(`connection closed without an answer (${r.method} ${r.target.slice(0, 80)})`));
      else resolve(reply);
    });
    socket.write(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body ?? Buffer.alloc(0)]));
  });

/**
 * Sends one request to `baseUrl`, with `c.path` as the request target exactly
 * as written (no dot segments resolved, `//` kept); rejects when the
 * connection fails or is dropped.
 */
export const call = (baseUrl: string, apiKey: string, c: Call): Promise<Reply> => {
  const payload = c.body === undefined ? undefined : typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
  const headers: Record<string, string> = { accept: 'application/json', ...c.headers };
  const key = c.apiKey === undefined ? apiKey : c.apiKey;
  if (key !== null) headers['authorization'] = `Bearer ${key}`;
  if (payload !== undefined) headers['content-type'] = headers['content-type'] ?? 'application/json';
  return raw(baseUrl, { method: c.method ?? 'GET', target: c.path, headers: Object.entries(headers), body: payload });
};

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
