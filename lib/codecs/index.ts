export { NonEmptyString, Pagination, Timestamp } from './common';
export { Group, GroupPage, GroupCreateParams, GroupUpdateParams } from './group';
export type { GroupListParams, GroupListAllParams } from './group';
export { Address } from './address';
export { MemberInput } from './member';
export { normalisePhone } from './phone';
export { US_STATE_CODES } from './member-fields';
export { SyncSubmission, SyncFailure, SyncResults, SyncRequest } from './sync';
/** @internal Not part of the package root (lib/index.ts names what it takes from here); import it from './codecs/report'. */
export { toIssues } from './report';
