// Shared by the runnable examples of docs/: what an example gets, and how to
// run one on its own against a fresh emulator:
//
//   npx ts-node docs/examples/quick-start.ts
//
// The suite runs every example twice: as CommonJS (ts-node) and as a native ES
// module (spec/docs/examples.spec.ts), so an example uses nothing that exists
// in only one of them (`module`, `require`, `__dirname`, `import.meta`).
//
// In your own project, import from 'vitable-connect-rx' (and
// 'vitable-connect-rx/emulator'); the examples import from ../../lib so that
// they run from a checkout without a build.
import { basename, extname } from 'node:path';
import { startEmulator } from '../../lib/emulator';

/** Where an example sends its requests, and where it prints. */
export interface ExampleEnv {
  /** Base URL of a Vitable Connect API (the spec and `runIfMain` use an emulator). */
  readonly baseURL: string;
  readonly apiKey: string;
  /** Prints one line (console.log when run on its own). */
  readonly log: (line: string) => void;
}

/** An example: resolves when done; throws (an `assert`) when what it shows does not hold. */
export type Example = (env: ExampleEnv) => Promise<void>;

/**
 * Runs `example` against a fresh emulator when the file named `name` (without
 * its extension, e.g. `'quick-start'`) is the script Node was started with.
 */
export const runIfMain = (name: string, example: Example): void => {
  const script = process.argv[1];
  if (script === undefined || basename(script, extname(script)) !== name) return;
  void (async () => {
    const emulator = await startEmulator({ processingDelayMs: 50 });
    try {
      await example({
        baseURL: emulator.url,
        apiKey: emulator.apiKey,
        log: (line) => console.log(line),
      });
    } finally {
      await emulator.stop();
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
};
