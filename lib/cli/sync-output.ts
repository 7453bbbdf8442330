import { SingleBar } from 'cli-progress';
import { redact } from '../errors';
import type { RetryEvent } from '../types';
import type { CliOutput } from './cli-io';
import { progressLine } from './progress-line';
import type { CliSyncEvent } from './sync-file';

/** How sync progress is shown: a bar on a terminal, a line per batch, or every event as JSON. */
export type SyncOutputMode = 'bar' | 'lines' | 'json';

/** Receives the events of a sync and shows them. */
export interface SyncOutput {
  event(event: CliSyncEvent): void;
  retry(event: RetryEvent): void;
  /** Retries seen so far. */
  readonly retries: number;
  /** Stops the bar (safe twice). */
  stop(): void;
}

/** The counts the bar shows, besides the percentage and ETA it computes. */
interface BarPayload {
  readonly read: number;
  readonly synced: number;
  readonly failed: number;
  readonly invalid: number;
  readonly membersPerSecond: number;
}

/** Where the output goes and how the bar estimates the total. */
export interface SyncOutputOptions {
  readonly mode: SyncOutputMode;
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** Expected number of members given `read` so far (for the bar's percentage and ETA); undefined when unknown. */
  readonly estimateTotal?: (read: number) => number | undefined;
}

/**
 * Picks the mode: `json` when asked, a bar when standard error is a terminal,
 * else a line per batch (on standard error too).
 *
 * @internal
 * @example
 * outputMode({ json: false }, process.stderr); // 'bar' in a terminal, 'lines' in CI
 */
export const outputMode = (
  options: { readonly json?: boolean },
  stderr: CliOutput,
): SyncOutputMode => (options.json ? 'json' : stderr.isTTY ? 'bar' : 'lines');

const fmt = (x: number): string => x.toLocaleString('en-US');

/** The ANSI sequence that shows the terminal's cursor again (the bar hides it). */
export const SHOW_CURSOR = '\u001b[?25h';

/**
 * Shows a sync as it goes. Standard output carries results only: with `json`,
 * every event as one line of JSON; otherwise nothing (the command prints the
 * summary). Progress goes to standard error: `lines`, one line per finished
 * batch with the running totals; `bar`, a cli-progress bar fitted to the
 * terminal's width (see {@link progressLine}), which hides the cursor while it
 * runs and shows it again on {@link SyncOutput.stop}.
 *
 * @internal
 * @example
 * const output = createSyncOutput({ mode: 'lines', stdout: process.stdout, stderr: process.stderr });
 * syncFile(client, groupId, records).subscribe({ next: (e) => output.event(e), complete: () => output.stop() });
 */
export const createSyncOutput = (options: SyncOutputOptions): SyncOutput => {
  const { mode, stdout, stderr } = options;
  let retries = 0;
  let pending: string[] = [];
  let bar: SingleBar | undefined;
  let stopped = false;

  if (mode === 'bar') {
    bar = new SingleBar({
      stream: stderr,
      format: (_options, params, payload: BarPayload) =>
        progressLine(params.maxWidth, {
          fraction: params.progress,
          etaSeconds: params.eta,
          ...payload,
        }),
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    });
  }
  let barStarted = false;
  // started at the sync's first event, so that what a command prints before the sync stays above the bar
  const startBar = (): void => {
    if (!bar || barStarted || stopped) return;
    barStarted = true;
    bar.start(1, 0, { read: 0, synced: 0, failed: 0, invalid: 0, membersPerSecond: 0 });
  };

  const onProgress = (e: Extract<CliSyncEvent, { type: 'progress' }>): void => {
    const done = e.invalid + e.failed + e.synced;
    if (bar) {
      startBar();
      const total = Math.max(options.estimateTotal?.(e.read) ?? e.read, done, 1);
      bar.setTotal(total);
      const payload: BarPayload = {
        read: e.read,
        synced: e.synced,
        failed: e.failed,
        invalid: e.invalid,
        membersPerSecond: e.membersPerSecond,
      };
      bar.update(done, payload);
    } else if (mode === 'lines' && pending.length > 0) {
      const totals = `read ${fmt(e.read)}, synced ${fmt(e.synced)}, failed ${fmt(e.failed)}, invalid ${fmt(e.invalid)}, ${fmt(Math.round(e.membersPerSecond))} members/s`;
      for (const line of pending) stderr.write(`${line} | ${totals}\n`);
      pending = [];
    }
  };

  const flush = (): void => {
    for (const line of pending) stderr.write(`${line}\n`);
    pending = [];
  };

  return {
    get retries() {
      return retries;
    },
    event(event) {
      if (mode === 'json') {
        stdout.write(`${redact(JSON.stringify(event))}\n`);
        return;
      }
      if (event.type !== 'done' && event.type !== 'interrupted') startBar();
      switch (event.type) {
        case 'progress':
          onProgress(event);
          break;
        case 'completed': {
          if (mode !== 'lines') break;
          const failed = event.size - event.synced;
          pending.push(
            `batch ${event.request.request_id}: ${fmt(event.synced)} synced` +
              (failed > 0 ? `, ${fmt(failed)} failed` : ''),
          );
          break;
        }
        case 'failed':
          if (mode !== 'lines') break;
          pending.push(
            `batch of ${fmt(event.referenceIds.length)} failed` +
              (event.requestId ? ` (request ${event.requestId})` : '') +
              `: ${event.error.message}`,
          );
          break;
        case 'done':
        case 'interrupted':
          flush();
          break;
        default:
          break;
      }
    },
    retry(event) {
      retries++;
      if (mode === 'lines')
        stderr.write(
          `retry ${event.attempt}: ${event.method} ${event.path} (${event.reason}${event.status ? ` ${event.status}` : ''}) in ${event.delayMs} ms\n`,
        );
    },
    stop() {
      if (stopped) return;
      stopped = true;
      flush();
      if (barStarted) {
        bar?.stop();
        // cli-progress shows the cursor in stop(); said again in case a signal cut in between
        if (stderr.isTTY) stderr.write(SHOW_CURSOR);
      }
    },
  };
};
