/**
 * vitable-connect-rx: a reactive client for the Vitable Connect API.
 *
 * Named re-exports of the public surface; no logic lives here.
 *
 * @packageDocumentation
 */
export {
  NonEmptyString,
  Pagination,
  Timestamp,
  Group,
  GroupPage,
  GroupCreateParams,
  GroupUpdateParams,
  Address,
  MemberInput,
  normalisePhone,
  US_STATE_CODES,
  SyncSubmission,
  SyncFailure,
  SyncResults,
  SyncRequest,
} from './codecs';
export type { GroupListParams, GroupListAllParams } from './codecs';
export {
  VitableError,
  ConfigError,
  ValidationError,
  ApiError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  ConnectionError,
  TimeoutError,
  AbortError,
  DecodeError,
  PollTimeoutError,
  JournalError,
  REDACTED,
} from './errors';
export type { Issue, VitableErrorTag, ApiErrorTag, RequestInfo } from './errors';
export { ENVIRONMENTS } from './types';
export type {
  ClientOptions,
  RequestOptions,
  VitableConnect,
  GroupsResource,
  MembersSyncResource,
  SyncSubmitParams,
  RetryEvent,
  RetryReason,
  ResponseEvent,
  Logger,
  LogLevel,
  Environment,
} from './types';
export type {
  SyncEvent,
  SyncReport,
  MemberFailure,
  FailureStage,
  InvalidEvent,
  SubmittedEvent,
  CompletedEvent,
  FailedEvent,
  ProgressEvent,
  DoneEvent,
  ResumedEvent,
} from './pipelines/sync-events';
export { toSyncBatches } from './operators/to-sync-batches';
export type { ToSyncBatchesOptions } from './operators/to-sync-batches';
export { pollUntilComplete } from './operators/poll-until-complete';
export type { PollOptions } from './operators/poll-until-complete';
export { syncRoster } from './pipelines/sync-roster';
export type { SyncRosterOptions, RosterSource } from './pipelines/sync-roster';
export { createClient } from './client';
export { toEither } from './operators/to-either';
export { fileJournal } from './journal/file-journal';
export type { FileJournal, FileJournalOptions } from './journal/file-journal';
export type { SyncJournal } from './journal/sync-journal';
