/**
 * The text of the sync progress bar, fitted to the terminal's width.
 *
 * @packageDocumentation
 */

// model

/** What the progress line shows. */
export interface ProgressState {
  /** Done (synced, failed or invalid) out of the estimated total, 0 to 1. */
  readonly fraction: number;
  readonly read: number;
  readonly synced: number;
  readonly failed: number;
  readonly invalid: number;
  readonly membersPerSecond: number;
  /** Seconds left, as estimated; NaN or Infinity when unknown. */
  readonly etaSeconds: number;
}

// constants

/** Narrowest and widest bar drawn; below the narrowest the bar is left out. */
const MIN_BAR = 8;
const MAX_BAR = 30;
const FULL = '\u2588';
const EMPTY = '\u2591';

// formatting

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

/**
 * A duration in seconds as `42s`, `12m05s` or `3h07m`; `--` when unknown.
 *
 * @internal
 * @example
 * etaText(725); // '12m05s'
 */
export const etaText = (seconds: number): string => {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
};

const bar = (fraction: number, size: number): string => {
  const full = Math.max(0, Math.min(size, Math.round(fraction * size)));
  return FULL.repeat(full) + EMPTY.repeat(size - full);
};

/**
 * One line of sync progress that fits in `width` columns (the line is at most
 * `width - 1` characters, so the terminal never wraps it). The percentage, the
 * rate and the ETA are always kept; as the terminal narrows, the labels get
 * `read` is left out, then failed and invalid are shown as one `not synced`
 * count, then the bar goes, then the counts.
 *
 * ```
 * 160 cols: ██████████░░░░░ 42% | read 4,210 | synced 4,000 | failed 2 | invalid 8 | 1,234/s | ETA 4s
 *  80 cols: ██████████░░░ 42% | synced 4,000 | failed 2 | invalid 8 | 1,234/s | ETA 4s
 *  40 cols: 42% | 1,234/s | ETA 4s
 * ```
 *
 * @internal
 * @example
 * progressLine(80, { fraction: 0.42, read: 4210, synced: 4000, failed: 2, invalid: 8, membersPerSecond: 1234, etaSeconds: 4 });
 */
export const progressLine = (width: number, p: ProgressState): string => {
  const room = Math.max(1, Math.floor(width) - 1);
  const pct = `${Math.floor(Math.max(0, Math.min(1, p.fraction)) * 100)}%`;
  const tail = `${fmt(p.membersPerSecond)}/s | ETA ${etaText(p.etaSeconds)}`;
  const texts = [
    `${pct} | read ${fmt(p.read)} | synced ${fmt(p.synced)} | failed ${fmt(p.failed)} | invalid ${fmt(p.invalid)} | ${tail}`,
    `${pct} | synced ${fmt(p.synced)} | failed ${fmt(p.failed)} | invalid ${fmt(p.invalid)} | ${tail}`,
    `${pct} | synced ${fmt(p.synced)} | not synced ${fmt(p.failed + p.invalid)} | ${tail}`,
  ];
  for (const text of texts) {
    const barSize = Math.min(MAX_BAR, room - text.length - 2);
    if (barSize >= MIN_BAR) return ` ${bar(p.fraction, barSize)} ${text}`;
  }
  for (const text of [...texts, `${pct} | ${tail}`, `${pct} ETA ${etaText(p.etaSeconds)}`])
    if (text.length + 1 <= room) return ` ${text}`;
  return ` ${pct}`.slice(0, room);
};
