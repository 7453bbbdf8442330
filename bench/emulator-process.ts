/**
 * Runs the emulator in a process of its own, so that benchmarks measure the
 * client without the server sharing its event loop.
 *
 * Usage: `node emulator-process.js '<EmulatorOptions as JSON>'`. Prints one
 * JSON line `{ url, apiKey, organizationId, planIds }` on stdout once it
 * listens. When started with an IPC channel (`child_process.fork`), it answers
 * `{ id, cmd: 'setFaults', faults }`, `{ id, cmd: 'stats' }` and
 * `{ id, cmd: 'memberCount', groupId }`, `{ id, cmd: 'members', groupId }` and `{ id, cmd: 'stop' }` with
 * `{ id, result }` (or `{ id, error }`).
 */
import { startEmulator } from '../lib/emulator';
import type { Emulator, EmulatorOptions } from '../lib/emulator';

/** The first line the process prints. */
export interface EmulatorReady {
  readonly url: string;
  readonly apiKey: string;
  readonly organizationId: string;
  readonly planIds: ReadonlyArray<string>;
  readonly pid: number;
}

/** A command sent over IPC. */
export type EmulatorCommand =
  | { readonly id: number; readonly cmd: 'setFaults'; readonly faults: Parameters<Emulator['setFaults']>[0] }
  | { readonly id: number; readonly cmd: 'stats' }
  | { readonly id: number; readonly cmd: 'memberCount'; readonly groupId: string }
  | { readonly id: number; readonly cmd: 'members'; readonly groupId: string }
  | { readonly id: number; readonly cmd: 'stop' };

const main = async (): Promise<void> => {
  const options = JSON.parse(process.argv[2] ?? '{}') as EmulatorOptions;
  const emulator = await startEmulator(options);
  const ready: EmulatorReady = {
    url: emulator.url,
    apiKey: emulator.apiKey,
    organizationId: emulator.organizationId,
    planIds: emulator.planIds,
    pid: process.pid,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);

  process.on('message', (message: EmulatorCommand) => {
    const reply = (body: { result?: unknown; error?: string }): void => {
      process.send?.({ id: message.id, ...body });
    };
    try {
      switch (message.cmd) {
        case 'setFaults':
          emulator.setFaults(message.faults);
          reply({ result: true });
          break;
        case 'stats':
          reply({ result: emulator.stats() });
          break;
        case 'memberCount':
          reply({ result: emulator.members(message.groupId).length });
          break;
        case 'members':
          reply({ result: emulator.members(message.groupId) });
          break;
        case 'stop':
          void emulator.stop().then(() => {
            reply({ result: true });
            process.disconnect?.();
            process.exit(0);
          });
          break;
      }
    } catch (e) {
      reply({ error: e instanceof Error ? e.message : String(e) });
    }
  });
  process.on('disconnect', () => {
    void emulator.stop().then(() => process.exit(0));
  });
};

main().catch((e: unknown) => {
  process.stderr.write(`emulator-process: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
