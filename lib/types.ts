import type { AxiosInstance } from 'axios';
import type { Observable } from 'rxjs';
import type {
  Group,
  GroupCreateParams,
  GroupListAllParams,
  GroupListParams,
  GroupPage,
  GroupUpdateParams,
  MemberInput,
  SyncRequest,
  SyncSubmission,
} from './codecs';

/** The two hosted environments. */
export type Environment = 'production' | 'environment_1';

/** Base URLs of the hosted environments. */
export const ENVIRONMENTS: Readonly<Record<Environment, string>> = {
  production: 'https://api.vitablehealth.com',
  environment_1: 'https://api.uat.vitablehealth.com',
};

/** How chatty the client is. */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

/** Anything with the four console methods. */
export interface Logger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

/** Why a request is being retried. */
export type RetryReason =
  | 'connection'
  | 'timeout'
  | 'status-408'
  | 'status-409'
  | 'status-429'
  | 'status-5xx'
  | 'x-should-retry';

/** What `onRetry` is told before each retry. */
export interface RetryEvent {
  /** 1 for the first retry, 2 for the second… */
  readonly attempt: number;
  /** Why the previous attempt is retried. */
  readonly reason: RetryReason;
  /** The wait chosen before the retry, in milliseconds. */
  readonly delayMs: number;
  readonly method: string;
  readonly path: string;
  /** HTTP status of the failed attempt, when there was a response. */
  readonly status?: number;
}

/**
 * What `onResponse` is told after every HTTP response, each attempt included
 * (a 429 or 5xx that is retried too). Headers and request id have the API
 * key replaced by a marker.
 */
export interface ResponseEvent {
  readonly method: string;
  /** The request path, without the query. */
  readonly path: string;
  readonly status: number;
  /** Response headers, names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  /** The `x-request-id` response header, if any. */
  readonly requestId: string | undefined;
  /** 1 for the first attempt of the call, 2 for its first retry… */
  readonly attempt: number;
  /** From sending the attempt to its response, in ms. */
  readonly durationMs: number;
}

/** Options of {@link createClient}. Every one is optional. */
export interface ClientOptions {
  /** Sent as `Authorization: Bearer <key>`; default env `VITABLE_CONNECT_API_KEY`. */
  readonly apiKey?: string;
  /** `'production'` (default) or `'environment_1'` (UAT). */
  readonly environment?: Environment;
  /** Overrides the environment; default env `VITABLE_CONNECT_BASE_URL`. */
  readonly baseURL?: string;
  /** Per-attempt timeout in ms (default 60000). */
  readonly timeoutMs?: number;
  /** Retries after the first attempt (default 2). */
  readonly maxRetries?: number;
  /**
   * Your own axios instance (interceptors, proxy, agent). Its requests carry a
   * DOM `AbortSignal` (`config.signal`), which aborts when the call is
   * unsubscribed; the client's own instance uses a lighter signal.
   */
  readonly axios?: AxiosInstance;
  /** Headers merged into every request. */
  readonly defaultHeaders?: Readonly<Record<string, string>>;
  /** Where logs go (default `console`). */
  readonly logger?: Logger;
  /** Default env `VITABLE_CONNECT_LOG`, else `'off'`. */
  readonly logLevel?: LogLevel;
  /** Longest server-directed wait honoured, in ms (default 60000). */
  readonly maxRetryAfterMs?: number;
  /** Called before each retry. */
  readonly onRetry?: (event: RetryEvent) => void;
  /**
   * Total time one call may spend waiting out 429s that said how long to wait
   * (default 120000): the server's waits and the client's pacing after them,
   * measured from each such retry to the answer after it. When the next wait
   * would pass it, the call fails with `RateLimitError`.
   */
  readonly maxRateLimitWaitMs?: number;
  /** Called after every HTTP response, each attempt included. */
  readonly onResponse?: (event: ResponseEvent) => void;
}

/** Per-call overrides, the optional last argument of every endpoint. */
export interface RequestOptions {
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  /** Overrides the key made once per POST call. */
  readonly idempotencyKey?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Aborting it ends the call with `AbortError`. */
  readonly signal?: AbortSignal;
}

/** The body of a member sync submission. */
export interface SyncSubmitParams {
  readonly members: ReadonlyArray<MemberInput>;
}

/** `client.groups`. */
export interface GroupsResource {
  list(params?: GroupListParams, options?: RequestOptions): Observable<GroupPage>;
  listAll(params?: GroupListAllParams, options?: RequestOptions): Observable<Group>;
  create(body: GroupCreateParams, options?: RequestOptions): Observable<Group>;
  retrieve(groupId: string, options?: RequestOptions): Observable<Group>;
  update(groupId: string, body: GroupUpdateParams, options?: RequestOptions): Observable<Group>;
}

/** `client.members.sync`. */
export interface MembersSyncResource {
  submit(groupId: string, body: SyncSubmitParams, options?: RequestOptions): Observable<SyncSubmission>;
  retrieve(groupId: string, requestId: string, options?: RequestOptions): Observable<SyncRequest>;
}

/** The client `createClient` returns. */
export interface VitableConnect {
  readonly groups: GroupsResource;
  readonly members: { readonly sync: MembersSyncResource };
  /** The resolved base URL requests go to. */
  readonly baseURL: string;
}
