import type { Group, GroupPage, SyncFailure, SyncRequest, SyncResults, SyncSubmission } from '../codecs';
import { fingerprint } from './canonical-json';
import type { IdGenerator } from './ids';
import { memberValidator } from './member-validation';
import { sameData } from './same-data';
import type { StoredMember } from './types';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** An organization with everything resolved: key, id and plans. */
export interface Organization {
  readonly apiKey: string;
  readonly id: string;
  readonly planIds: ReadonlyArray<string>;
}

/** What the state needs from the outside world. */
export interface EmulatorStateOptions {
  readonly organizations: ReadonlyArray<Organization>;
  /** Milliseconds since epoch. */
  readonly now: () => number;
  readonly ids: IdGenerator;
  /** How long an accepted batch waits before {@link EmulatorState.processDue} handles it. */
  readonly processingDelayMs: number;
}

/** The fields a PATCH may change; `undefined` or `null` leaves a field as it is. */
export interface GroupPatch {
  readonly name?: string | null;
  readonly external_reference_id?: string | null;
}

interface GroupRecord {
  readonly id: string;
  readonly organization_id: string;
  name: string;
  external_reference_id: string;
  readonly createdMs: number;
  updatedMs: number;
}

interface SyncRecord {
  readonly request_id: string;
  readonly group_id: string;
  readonly organization_id: string;
  readonly acceptedMs: number;
  readonly dueMs: number;
  completedMs: number | null;
  results: SyncResults | null;
  /** The payload, kept only until processed. */
  pending: ReadonlyArray<unknown> | null;
  /** {@link fingerprint} of the payload, kept only until processed. */
  payloadPrint: string | null;
}

/** Counters the state keeps for `stats()`. */
export interface StateCounters {
  readonly batchesAccepted: number;
  readonly batchesProcessed: number;
  readonly duplicateBatches: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The stored member and the new one have the same fields (the stored id aside). */
const sameMember = (a: StoredMember, b: Omit<StoredMember, 'id'>): boolean => sameData(a, b, 'id');

// -------------------------------------------------------------------------------------
// state
// -------------------------------------------------------------------------------------

/**
 * Everything the emulator stores, and every transition on it, with no I/O:
 * time comes from `now`, ids from `ids`. Memory is proportional to the groups,
 * members and sync requests stored; a processed request keeps ids only.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/state.ts)
 * const state = new EmulatorState({ organizations: [{ apiKey: 'k', id: 'org_1', planIds: ['pln_1'] }],
 *   now: Date.now, ids: randomId, processingDelayMs: 0 });
 * state.createGroup('org_1', { name: 'Tier 1', external_reference_id: 'seg_1' });
 */
export class EmulatorState {
  private readonly orgsByKey = new Map<string, Organization>();
  private readonly orgsById = new Map<string, Organization>();
  private readonly groupsByOrg = new Map<string, GroupRecord[]>();
  private readonly groups = new Map<string, GroupRecord>();
  private readonly membersByGroup = new Map<string, Map<string, StoredMember>>();
  private readonly syncs = new Map<string, SyncRecord>();
  private readonly processedPayloads = new Map<string, Set<string>>();
  private queue: string[] = [];
  private counters = { batchesAccepted: 0, batchesProcessed: 0, duplicateBatches: 0 };

  constructor(private readonly options: EmulatorStateOptions) {
    for (const org of options.organizations) {
      this.orgsByKey.set(org.apiKey, org);
      this.orgsById.set(org.id, org);
      this.groupsByOrg.set(org.id, []);
    }
  }

  // ------------------------------------------------------------------ organizations

  /** The organization an API key authenticates as. */
  organizationByKey(apiKey: string): Organization | undefined {
    return this.orgsByKey.get(apiKey);
  }

  // ------------------------------------------------------------------ groups

  /** One page of an organization's groups, in creation order. */
  listGroups(organizationId: string, page: number, limit: number): GroupPage {
    const all = this.groupsByOrg.get(organizationId) ?? [];
    const start = (page - 1) * limit;
    return {
      data: all.slice(start, start + limit).map(toGroup),
      pagination: { page, limit, total: all.length, total_pages: Math.ceil(all.length / limit) },
    };
  }

  /** Creates a group in the organization. */
  createGroup(organizationId: string, body: { name: string; external_reference_id: string }): Group {
    const now = this.options.now();
    const record: GroupRecord = {
      id: this.options.ids('grp'),
      organization_id: organizationId,
      name: body.name,
      external_reference_id: body.external_reference_id,
      createdMs: now,
      updatedMs: now,
    };
    this.groups.set(record.id, record);
    this.groupsByOrg.get(organizationId)?.push(record);
    this.membersByGroup.set(record.id, new Map());
    return toGroup(record);
  }

  /** The group, if it exists and belongs to the organization. */
  getGroup(organizationId: string, groupId: string): Group | undefined {
    const record = this.groupRecord(organizationId, groupId);
    return record && toGroup(record);
  }

  /** Applies a PATCH; `updated_at` always moves forward, by at least 1 ms. */
  updateGroup(organizationId: string, groupId: string, patch: GroupPatch): Group | undefined {
    const record = this.groupRecord(organizationId, groupId);
    if (record === undefined) return undefined;
    if (patch.name !== undefined && patch.name !== null) record.name = patch.name;
    if (patch.external_reference_id !== undefined && patch.external_reference_id !== null)
      record.external_reference_id = patch.external_reference_id;
    record.updatedMs = Math.max(this.options.now(), record.updatedMs + 1);
    return toGroup(record);
  }

  // ------------------------------------------------------------------ member sync

  /**
   * Queues a batch (already checked to be an array of objects); `undefined` for an unknown group.
   * `payloadPrint` is `fingerprint(members)` when the caller already has it.
   */
  acceptSync(
    organizationId: string,
    groupId: string,
    members: ReadonlyArray<unknown>,
    payloadPrint?: string,
  ): SyncSubmission | undefined {
    if (this.groupRecord(organizationId, groupId) === undefined) return undefined;
    const now = this.options.now();
    const record: SyncRecord = {
      request_id: this.options.ids('grpmsr'),
      group_id: groupId,
      organization_id: organizationId,
      acceptedMs: now,
      dueMs: now + this.options.processingDelayMs,
      completedMs: null,
      results: null,
      pending: members,
      payloadPrint: payloadPrint ?? fingerprint(members),
    };
    this.syncs.set(record.request_id, record);
    this.queue.push(record.request_id);
    this.counters.batchesAccepted++;
    return { request_id: record.request_id, group_id: groupId, accepted_at: iso(now) };
  }

  /** The sync request, if it belongs to that group of that organization. */
  getSync(organizationId: string, groupId: string, requestId: string): SyncRequest | undefined {
    const record = this.syncs.get(requestId);
    if (record === undefined || record.organization_id !== organizationId || record.group_id !== groupId)
      return undefined;
    return {
      request_id: record.request_id,
      group_id: record.group_id,
      accepted_at: iso(record.acceptedMs),
      completed_at: record.completedMs === null ? null : iso(record.completedMs),
      results: record.results,
    };
  }

  /** Processes every queued batch whose delay has passed, in acceptance order. */
  processDue(): void {
    const now = this.options.now();
    while (this.queue.length > 0 && this.syncs.get(this.queue[0]!)!.dueMs <= now) this.processNext();
  }

  /** Processes queued batches in acceptance order up to and including `requestId` (its timer fired). */
  processThrough(requestId: string): void {
    const record = this.syncs.get(requestId);
    while (record !== undefined && record.pending !== null && this.queue.length > 0) this.processNext();
  }

  /** Batches accepted but not yet processed. */
  pendingCount(): number {
    return this.queue.length;
  }

  /** A group's current members, in the order they were (re)added. */
  members(groupId: string): ReadonlyArray<StoredMember> {
    return [...(this.membersByGroup.get(groupId)?.values() ?? [])];
  }

  /** Batch counters. */
  stats(): StateCounters {
    return { ...this.counters };
  }

  // ------------------------------------------------------------------ internals

  private groupRecord(organizationId: string, groupId: string): GroupRecord | undefined {
    const record = this.groups.get(groupId);
    return record !== undefined && record.organization_id === organizationId ? record : undefined;
  }

  /**
   * Upserts each member by `reference_id`: new → added; identical → nothing;
   * changed → the old member removed and a new one added. Invalid members,
   * unknown plans and repeats of a `reference_id` within the payload fail.
   */
  private processNext(): void {
    const requestId = this.queue.shift();
    const record = requestId === undefined ? undefined : this.syncs.get(requestId);
    if (record === undefined || record.pending === null) return;
    const payload = record.pending;
    const now = this.options.now();
    const org = this.orgsById.get(record.organization_id);
    const plans = new Set(org?.planIds ?? []);
    const stored = this.membersByGroup.get(record.group_id) ?? new Map<string, StoredMember>();
    const added: string[] = [];
    const removed: string[] = [];
    const failures: SyncFailure[] = [];
    const seen = new Set<string>();
    const validate = memberValidator(now);

    for (const raw of payload) {
      const rawRef = (raw as { reference_id?: unknown }).reference_id;
      const reference_id = typeof rawRef === 'string' ? rawRef : '';
      if (reference_id.trim() !== '') {
        if (seen.has(reference_id)) {
          failures.push({ reference_id, operation: 'add', reason: 'Duplicate reference_id in payload' });
          continue;
        }
        seen.add(reference_id);
      }
      const check = validate(raw);
      if (!check.ok) {
        failures.push({ reference_id, operation: 'add', reason: `Invalid member: ${check.problems.join('; ')}` });
        continue;
      }
      if (!plans.has(check.member.plan_id)) {
        failures.push({ reference_id, operation: 'add', reason: 'Invalid plan_id' });
        continue;
      }
      const existing = stored.get(reference_id);
      if (existing !== undefined && sameMember(existing, check.member)) continue;
      if (existing !== undefined) {
        stored.delete(reference_id);
        removed.push(existing.id);
      }
      const member: StoredMember = { id: this.options.ids('grpmbr'), ...check.member };
      stored.set(reference_id, member);
      added.push(member.id);
    }

    let seenPayloads = this.processedPayloads.get(record.group_id);
    if (seenPayloads === undefined) this.processedPayloads.set(record.group_id, (seenPayloads = new Set()));
    const print = record.payloadPrint ?? fingerprint(payload);
    if (seenPayloads.has(print)) this.counters.duplicateBatches++;
    else seenPayloads.add(print);

    record.pending = null;
    record.payloadPrint = null;
    record.completedMs = Math.max(now, record.acceptedMs);
    record.results = { added_group_member_ids: added, removed_group_member_ids: removed, failures };
    this.counters.batchesProcessed++;
  }
}

const toGroup = (record: GroupRecord): Group => ({
  id: record.id,
  organization_id: record.organization_id,
  name: record.name,
  external_reference_id: record.external_reference_id,
  created_at: iso(record.createdMs),
  updated_at: iso(record.updatedMs),
});
