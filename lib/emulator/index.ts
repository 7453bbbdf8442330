/**
 * A faithful local emulator of the Vitable Connect API, with fault injection:
 * `import { startEmulator } from 'vitable-connect-rx/emulator'`.
 *
 * @packageDocumentation
 */
import { randomId } from './ids';
import { EmulatorServer } from './server';
import type { Organization } from './state';
import type { Emulator, EmulatorOptions, EmulatorOrganization } from './types';

export type {
  Emulator,
  EmulatorOptions,
  EmulatorOrganization,
  EmulatorStats,
  FaultOptions,
  RateLimitOptions,
  StoredMember,
} from './types';

/** The API key of the default demo organization: the same on every start. */
export const DEMO_API_KEY = 'vc_test_emulator_demo_key';

/** The id of the default demo organization. */
export const DEMO_ORGANIZATION_ID = 'org_emulatordemo';

/** The plans of the default demo organization. */
export const DEMO_PLAN_IDS: ReadonlyArray<string> = ['pln_demo_basic', 'pln_demo_standard', 'pln_demo_premium'];

const resolveOrganizations = (given: ReadonlyArray<EmulatorOrganization> | undefined): Organization[] => {
  if (given === undefined) return [{ apiKey: DEMO_API_KEY, id: DEMO_ORGANIZATION_ID, planIds: DEMO_PLAN_IDS }];
  if (given.length === 0) throw new RangeError('organizations must list at least one organization');
  const keys = new Set<string>();
  const ids = new Set<string>();
  const plans = new Set<string>();
  return given.map((org, i) => {
    if (typeof org.apiKey !== 'string' || !/^\S+$/.test(org.apiKey))
      throw new TypeError(`organizations[${i}].apiKey must be a non-empty string without white space`);
    if (keys.has(org.apiKey)) throw new RangeError(`organizations[${i}].apiKey is used by another organization`);
    keys.add(org.apiKey);
    const id = org.id ?? randomId('org');
    if (!/^org_\S+$/.test(id)) throw new TypeError(`organizations[${i}].id must start with "org_", got ${JSON.stringify(id)}`);
    if (ids.has(id)) throw new RangeError(`organizations[${i}].id ${id} is used by another organization`);
    ids.add(id);
    const planIds = org.planIds ?? [randomId('pln'), randomId('pln'), randomId('pln')];
    for (const plan of planIds) {
      if (typeof plan !== 'string' || !/^pln_\S+$/.test(plan))
        throw new TypeError(`organizations[${i}].planIds must start with "pln_", got ${JSON.stringify(plan)}`);
      if (plans.has(plan)) throw new RangeError(`plan ${plan} belongs to more than one organization`);
      plans.add(plan);
    }
    return { apiKey: org.apiKey, id, planIds: [...planIds] };
  });
};

const nonNegative = (name: string, value: number | undefined, fallback: number, integer = false): number => {
  if (value === undefined) return fallback;
  if (!(value >= 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
    throw new RangeError(`${name} must be ${integer ? 'an integer' : 'a number'} >= 0, got ${value}`);
  return value;
};

/**
 * Starts a real HTTP server on loopback that implements the Vitable Connect
 * API: groups (list, create, retrieve, update) and member sync (submit,
 * retrieve) with bearer auth, organization scoping, validation, idempotency
 * keys, asynchronous batch processing, an optional rate limit and seeded fault
 * injection. Point a client at `url` with `apiKey`.
 *
 * @param options every one is optional; see {@link EmulatorOptions}.
 * @returns the running emulator; call `stop()` when done.
 *
 * @example
 * import { createClient } from 'vitable-connect-rx';
 * import { startEmulator } from 'vitable-connect-rx/emulator';
 * import { firstValueFrom } from 'rxjs';
 *
 * const emu = await startEmulator({ processingDelayMs: 10 });
 * const client = createClient({ baseURL: emu.url, apiKey: emu.apiKey });
 * const group = await firstValueFrom(client.groups.create({ name: 'Tier 1', external_reference_id: 'seg_1' }));
 * console.log(group.id, emu.stats().requests); // grp_… 1
 * await emu.stop();
 */
export const startEmulator = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  const organizations = resolveOrganizations(options.organizations);
  const port = nonNegative('port', options.port, 0, true);
  if (port > 65535) throw new RangeError(`port must be at most 65535, got ${port}`);
  const maxMembersPerSync = nonNegative('maxMembersPerSync', options.maxMembersPerSync, 1000, true);
  if (maxMembersPerSync < 1) throw new RangeError('maxMembersPerSync must be at least 1');
  const server = new EmulatorServer({
    organizations,
    processingDelayMs: nonNegative('processingDelayMs', options.processingDelayMs, 250),
    maxMembersPerSync,
    rateLimit: options.rateLimit,
    faults: options.faults,
  });
  const url = await server.listen(port, options.host ?? '127.0.0.1');
  const first = organizations[0]!;
  return {
    url,
    apiKey: first.apiKey,
    organizationId: first.id,
    planIds: first.planIds,
    stop: () => server.stop(),
    setFaults: (faults) => server.setFaults(faults),
    stats: () => server.stats(),
    members: (groupId) => server.state.members(groupId),
  };
};
