import axios, { isAxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { Observable } from 'rxjs';
import { ConnectionError, type RequestInfo } from '../errors';
import { abortControllerCanceller, type NewCanceller } from './request-canceller';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH';

/** One HTTP exchange to perform. @internal */
export interface SendSpec {
  readonly method: HttpMethod;
  /** Absolute URL, query included. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body as UTF-8 bytes, if any (the same bytes for every attempt). */
  readonly body?: Buffer;
  /** Method and path, for error messages. */
  readonly info: RequestInfo;
}

/** A response of any status, body not yet parsed. @internal */
export interface RawResponse {
  readonly status: number;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text (or whatever a custom axios instance produced). */
  readonly body: unknown;
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * A new axios instance for a client that was not given one.
 *
 * @example
 * // internal (lib/http/send.ts): createClient() without an `axios` option uses it
 * import { createClient } from 'vitable-connect-rx';
 * createClient(); // requests go through newAxiosInstance()
 *
 * @internal
 */
export const newAxiosInstance = (): AxiosInstance => axios.create();

/**
 * The per-request axios settings that never change, made once: any status is
 * an answer, bodies pass through untransformed (ours are bytes, responses stay
 * text), no axios timeout (ours runs on the
 * injected scheduler), and redirects are not followed: the API never
 * redirects, so a 3xx is answered as the `ApiError` it is (never replayed,
 * with the key, to wherever `Location` points), and axios sends through plain
 * `http`/`https` rather than follow-redirects, which would hold on to every
 * request body for a replay that never comes.
 */
const FIXED_REQUEST_CONFIG: Readonly<AxiosRequestConfig> = {
  timeout: 0,
  maxRedirects: 0,
  validateStatus: (): boolean => true,
  responseType: 'text',
  responseEncoding: 'utf8',
  transformRequest: [(data: unknown): unknown => data],
  transformResponse: [(data: unknown): unknown => data],
};

const toHeaderRecord = (headers: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
  }
  return out;
};

const describeFailure = (error: unknown): string => {
  if (isAxiosError(error))
    return [error.code, error.message].filter((s) => s !== undefined && s !== '').join(': ');
  return error instanceof Error ? error.message : String(error);
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * One HTTP exchange as a cold Observable: nothing is sent until subscription;
 * it emits the response (any status, body as text) and completes, or errors
 * with `ConnectionError` when no response arrived. Unsubscribing before the
 * answer aborts the request through its canceller (`newCanceller`: a DOM
 * `AbortController` unless the client chose the lighter `CancelSignal`).
 *
 * @example
 * // internal (lib/http/send.ts), the package's only use of axios
 * send(axios.create(), { method: 'GET', url: 'https://api.vitablehealth.com/v1/groups', headers: {}, info })
 *   .subscribe((res) => console.log(res.status));
 *
 * @internal
 */
export const send = (
  instance: AxiosInstance,
  spec: SendSpec,
  newCanceller: NewCanceller = abortControllerCanceller,
): Observable<RawResponse> =>
  new Observable<RawResponse>((subscriber) => {
    const controller = newCanceller();
    let settled = false;
    const fail = (error: unknown): void => {
      if (controller.signal.aborted) return; // we aborted: the subscriber is gone
      settled = true;
      if (isAxiosError(error) && error.response) {
        // an interceptor rejected a response: it is still the server's answer
        subscriber.next({
          status: error.response.status,
          headers: toHeaderRecord(error.response.headers),
          body: error.response.data,
        });
        subscriber.complete();
        return;
      }
      subscriber.error(new ConnectionError(spec.info, describeFailure(error)));
    };
    try {
      instance
        .request<unknown>({
          method: spec.method,
          url: spec.url,
          // a copy: the client's merged headers are shared by all its requests
          headers: { ...spec.headers },
          data: spec.body,
          signal: controller.signal,
          ...FIXED_REQUEST_CONFIG,
        })
        .then((response) => {
          settled = true;
          subscriber.next({
            status: response.status,
            headers: toHeaderRecord(response.headers),
            body: response.data,
          });
          subscriber.complete();
        }, fail);
    } catch (error) {
      fail(error);
    }
    return () => {
      if (!settled) controller.abort();
    };
  });
