// The set-up shared by the CLI's specs: an emulator on a loopback port, a
// client of it, the environment that points the CLI at it, a temporary folder,
// and (for the child-process specs) the CLI built once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { createClient } from '../../lib/client';
import type { Group } from '../../lib/codecs';
import { startEmulator, type Emulator } from '../../lib/emulator';
import type { VitableConnect } from '../../lib/types';
import { buildCli } from './cli-harness';

/** What {@link useCliEmulator} sets up; its fields are ready inside the `it`s. */
export interface CliEmulator {
  readonly emulator: Emulator;
  readonly client: VitableConnect;
  /** Points the CLI at the emulator (base URL and API key). */
  readonly env: Record<string, string>;
  /** A fresh temporary folder, removed after the specs. */
  readonly dir: string;
  /** Creates a new group on the emulator. */
  newGroup(): Promise<Group>;
  /** Requests the emulator answered on `route` (e.g. `POST /v1/groups`), with `status` if given. */
  requests(route: string, status?: string): number;
}

/** Options of {@link useCliEmulator}. */
export interface CliEmulatorOptions {
  /** Build the CLI for child processes (default true); in-process specs skip the build. */
  readonly cli?: boolean;
  /** How long the emulator keeps a batch in flight (default 20 ms). */
  readonly processingDelayMs?: number;
}

/**
 * Registers `before`/`after` hooks in the calling `describe` that start an
 * emulator (processing delay 20 ms unless given), build the CLI (unless
 * `cli: false`), and make a temporary folder named after `name`; returns the
 * fixture.
 */
export const useCliEmulator = (
  name: string,
  groupPrefix = 'Spec',
  options: CliEmulatorOptions = {},
): CliEmulator => {
  let emulator: Emulator | undefined;
  let client: VitableConnect | undefined;
  let dir: string | undefined;
  let counter = 0;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useCliEmulator: used before its before() hook ran');
    return value;
  };
  before(async function () {
    this.timeout(60_000);
    [emulator] = await Promise.all([
      startEmulator({ processingDelayMs: options.processingDelayMs ?? 20 }),
      options.cli === false ? undefined : buildCli(),
    ]);
    client = createClient({ apiKey: emulator.apiKey, baseURL: emulator.url });
    dir = mkdtempSync(join(tmpdir(), `vc-cli-${name}-`));
  });
  after(async () => {
    await emulator?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get emulator() {
      return ready(emulator);
    },
    get client() {
      return ready(client);
    },
    get env() {
      const e = ready(emulator);
      return { VITABLE_CONNECT_BASE_URL: e.url, VITABLE_CONNECT_API_KEY: e.apiKey };
    },
    get dir() {
      return ready(dir);
    },
    newGroup: () => {
      counter++;
      const tag = groupPrefix.toLowerCase();
      return lastValueFrom(
        ready(client).groups.create({
          name: `${groupPrefix} ${counter}`,
          external_reference_id: `${tag}_${counter}`,
        }),
      );
    },
    requests: (route, status) => {
      const byStatus = ready(emulator).stats().byRoute[route] ?? {};
      return status === undefined
        ? Object.values(byStatus).reduce((a, b) => a + b, 0)
        : (byStatus[status] ?? 0);
    },
  };
};
