import { fail, type Answer } from './answers';
import type { ParsedRequest, Target } from './parse-request';
import type { EmulatorState } from './state';

// One handler per route: the effect of a parsed request on the state, and its
// answer. Handlers see only typed, checked requests and never read the raw one.

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The handler of one route kind. */
export type Handler<K extends Target['kind']> = (request: ParsedRequest<Extract<Target, { kind: K }>>) => Answer;

/** A handler for every route kind. */
export type HandlerTable = { readonly [K in Target['kind']]: Handler<K> };

/** What the handlers act on. */
export interface HandlerDeps {
  readonly state: EmulatorState;
  /** How long an accepted batch stays in flight, in ms. */
  readonly processingDelayMs: number;
  /** Runs `fn` after `ms` (dropped when the emulator stops). */
  readonly schedule: (fn: () => void, ms: number) => void;
}

// -------------------------------------------------------------------------------------
// handlers
// -------------------------------------------------------------------------------------

const groupNotFound = (request: ParsedRequest, groupId: string): Answer =>
  fail(404, 'not_found_error', `Group ${groupId} not found in organization ${request.org.id}`);

/**
 * The handler table of the six routes.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/handlers.ts)
 * const handlers = makeHandlers({ state, processingDelayMs: 250, schedule });
 * dispatch(handlers, request); // { status: 200, body: { data: [...], pagination: {...} } }
 */
export const makeHandlers = ({ state, processingDelayMs, schedule }: HandlerDeps): HandlerTable => ({
  list: ({ org, target }) => ({ status: 200, body: state.listGroups(org.id, target.page, target.limit) }),
  create: ({ org, target }) => ({ status: 201, body: { data: state.createGroup(org.id, target.group) } }),
  retrieve: (request) => {
    const group = state.getGroup(request.org.id, request.target.groupId);
    return group === undefined ? groupNotFound(request, request.target.groupId) : { status: 200, body: { data: group } };
  },
  update: (request) => {
    const { groupId, patch } = request.target;
    const group = state.updateGroup(request.org.id, groupId, patch);
    return group === undefined ? groupNotFound(request, groupId) : { status: 200, body: { data: group } };
  },
  'sync-submit': (request) => {
    const { groupId, members, payloadPrint } = request.target;
    const submission = state.acceptSync(request.org.id, groupId, members, payloadPrint());
    if (submission === undefined) return groupNotFound(request, groupId);
    schedule(() => state.processThrough(submission.request_id), processingDelayMs);
    return { status: 202, body: { data: submission } };
  },
  'sync-retrieve': (request) => {
    const { groupId, requestId } = request.target;
    state.processDue();
    if (state.getGroup(request.org.id, groupId) === undefined) return groupNotFound(request, groupId);
    const sync = state.getSync(request.org.id, groupId, requestId);
    return sync === undefined
      ? fail(404, 'not_found_error', `Sync request ${requestId} not found for group ${groupId}`)
      : { status: 200, body: { data: sync } };
  },
});

/**
 * Runs the handler of the request's route.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/handlers.ts)
 * dispatch(handlers, request).status; // 201 for a create
 */
export const dispatch = (handlers: HandlerTable, request: ParsedRequest): Answer =>
  (handlers[request.target.kind] as (r: ParsedRequest) => Answer)(request);
