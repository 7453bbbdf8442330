// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Where a sync keeps its journal: any store that keeps JSON-safe records in
 * the order they were appended (a file, a Redis list, a database table).
 * `append` must be durable when it resolves: `syncRoster` sends a batch only
 * after the record announcing it was appended. `load` returns every record
 * appended so far, in order (an empty array for a new journal).
 *
 * @example
 * import type { SyncJournal } from 'vitable-connect-rx';
 *
 * const rows: unknown[] = [];
 * const journal: SyncJournal = {
 *   load: async () => rows.map((r) => structuredClone(r)),
 *   append: async (record) => void rows.push(structuredClone(record)),
 * };
 */
export interface SyncJournal {
  /** Every record appended so far, in order. */
  load(): Promise<ReadonlyArray<unknown>>;
  /** Appends one JSON-safe record; resolves once it is durable. */
  append(record: unknown): Promise<void>;
  /**
   * Optional: releases what the journal holds open (a file). `syncRoster`
   * calls it when the sync ends or is unsubscribed; a later `append` may open
   * it again.
   */
  close?(): Promise<void>;
}
