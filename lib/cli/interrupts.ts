import type { CliIo, StopSignal } from './cli-io';
import { SHOW_CURSOR } from './sync-output';
import { ExitCode } from './cli-error';

// model

/** Why a command is asked to stop. */
export type InterruptCause =
  { readonly kind: 'signal'; readonly signal: StopSignal } | { readonly kind: 'output-closed' };

/** Who wants to hear that the run must stop, and the one who says so. */
export interface Interrupts {
  /**
   * Calls `listener` once when the run must stop: on the first SIGINT or
   * SIGTERM, or when standard output is closed. While someone listens, the
   * signals do not kill the process; once one arrived, a second one exits at
   * once with status 130 (showing the cursor again). A listener that comes
   * after the interruption is called at once. Returns a function that stops
   * listening.
   */
  onInterrupt(listener: (cause: InterruptCause) => void): () => void;
  /** Says that standard output is closed (EPIPE): the results have no reader any more. */
  outputClosed(): void;
  /** Whether standard output was closed. */
  readonly isOutputClosed: boolean;
}

// constructors

const SIGNALS: ReadonlyArray<StopSignal> = ['SIGINT', 'SIGTERM'];

/**
 * The interrupts of one run of the command line. Signal handlers are
 * installed only while a command listens (so Ctrl-C kills a command that has
 * nothing to save), and stay once a signal arrived, so that the second one
 * exits at once.
 *
 * @internal
 * @example
 * const interrupts = createInterrupts(processIo());
 * const abort = new AbortController();
 * const stop = interrupts.onInterrupt(() => abort.abort());
 * // … run the sync with abort.signal, then:
 * stop();
 */
export const createInterrupts = (io: CliIo): Interrupts => {
  const listeners = new Set<(cause: InterruptCause) => void>();
  const handlers = new Map<StopSignal, () => void>();
  let interrupted: InterruptCause | undefined;
  let outputClosed = false;

  const fire = (cause: InterruptCause): void => {
    if (interrupted) return;
    interrupted = cause;
    for (const listener of [...listeners]) listener(cause);
  };

  const install = (): void => {
    const signals = io.signals;
    if (signals === undefined || handlers.size > 0) return;
    for (const signal of SIGNALS) {
      const handler = (): void => {
        if (!interrupted) return fire({ kind: 'signal', signal });
        if (io.stderr.isTTY) io.stderr.write(SHOW_CURSOR);
        signals.exit(ExitCode.Interrupted);
      };
      handlers.set(signal, handler);
      signals.on(signal, handler);
    }
  };

  const uninstall = (): void => {
    if (interrupted || io.signals === undefined) return;
    for (const [signal, handler] of handlers) io.signals.off(signal, handler);
    handlers.clear();
  };

  return {
    onInterrupt(listener) {
      if (interrupted) listener(interrupted);
      listeners.add(listener);
      install();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) uninstall();
      };
    },
    outputClosed() {
      if (outputClosed) return;
      outputClosed = true;
      fire({ kind: 'output-closed' });
    },
    get isOutputClosed() {
      return outputClosed;
    },
  };
};
