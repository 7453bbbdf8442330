// Shared by the runnable examples of docs/: what an example gets, and how to
// run one on its own against a fresh emulator:
//
//   npx ts-node docs/examples/quick-start.ts
//
// In your own project, import from 'vitable-connect-rx' (and
// 'vitable-connect-rx/emulator'); the examples import from ../../lib so that
// they run from a checkout without a build.
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

/** Runs `example` against a fresh emulator when the file is run directly. */
export const runIfMain = (module: NodeModule, example: Example): void => {
  if (require.main !== module) return;
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
