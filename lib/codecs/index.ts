export { NonEmptyString, Pagination, Timestamp } from './common';
export { Group, GroupPage, GroupCreateParams, GroupUpdateParams } from './group';
export type { GroupListParams, GroupListAllParams } from './group';
export { Address, MemberInput, normalisePhone, US_STATE_CODES } from './member';
export { SyncSubmission, SyncFailure, SyncResults, SyncRequest } from './sync';
export { toIssues } from './report';
