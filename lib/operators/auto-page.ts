import { Observable, type Subscription } from 'rxjs';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The part of a list response auto-paging needs. */
export interface PageLike<T> {
  readonly data: ReadonlyArray<T>;
  readonly pagination: { readonly total_pages: number };
}

/** Options of {@link autoPage}. */
export interface AutoPageOptions {
  /**
   * Pages requested ahead of the consumer: at most this many pages are in
   * flight (requested, not yet emitted) at any time, once the first page has
   * told how many there are (default 1: strictly one at a time, like a plain
   * loop; 0 counts as 1, since the page the consumer waits for must be fetched).
   */
  readonly prefetch?: number;
}

type Slot<T> =
  | { readonly kind: 'page'; readonly page: PageLike<T> }
  | { readonly kind: 'error'; readonly error: unknown };

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Lazily walks a paginated list, emitting every item in page order.
 *
 * Page 1 is fetched alone (it tells `total_pages`). After a page's items have
 * been emitted, and only if the consumer is still subscribed, the following
 * pages are requested so that at most `prefetch` pages are in flight ahead of
 * what has been emitted (at least one: the page the consumer waits for),
 * never past `total_pages`. Pages that arrive early wait their turn, so the order is
 * kept. It completes after the last page or on the first empty page; an error
 * of a page is delivered in its turn. Unsubscribing (e.g. `take(n)`)
 * unsubscribes every page in flight.
 *
 * ```text
 * fetchPage(1):  ----(P1|)                      P1 = { data: [a, b], total_pages: 3 }
 * fetchPage(2):          ----(P2|)              P2 = { data: [c, d] }
 * fetchPage(3):                  ----(P3|)      P3 = { data: [e] }
 * autoPage:      ----(ab)----(cd)----(e|)       prefetch 1: one page at a time
 *
 * fetchPage(1):  ----(P1|)
 * fetchPage(2):          ----(P2|)
 * fetchPage(3):          ----(P3|)              requested with page 2 (prefetch 2)
 * autoPage:      ----(ab)----(cde|)
 *
 * autoPage(...).pipe(take(3)):
 * autoPage:      ----(ab)----(c|)               page 2's c is the 3rd item: no page 3
 * ```
 *
 * RxJS has no backpressure: a synchronous consumer takes a page's items as
 * they are emitted, so "the consumer took them" means "still subscribed
 * afterwards". `take(5)` over pages of 100 therefore makes one request.
 *
 * @param fetchPage Fetches 1-based page `n` (a cold Observable emitting one page).
 * @param options `prefetch` (default 1).
 * @return A cold Observable of the items.
 *
 * @example
 * import { createClient } from 'vitable-connect-rx';
 * import { take } from 'rxjs';
 *
 * // groups.listAll is autoPage over groups.list:
 * createClient().groups.listAll({ limit: 100, prefetch: 1 }).pipe(take(5)).subscribe(console.log);
 */
export const autoPage = <T>(
  fetchPage: (page: number) => Observable<PageLike<T>>,
  options: AutoPageOptions = {},
): Observable<T> =>
  new Observable<T>((subscriber) => {
    const prefetch = options.prefetch ?? 1;
    const results = new Map<number, Slot<T>>();
    const inFlight = new Map<number, Subscription>();
    let next = 1; // the page whose items come next
    let launched = 0; // highest page requested so far
    let totalPages: number | undefined; // unknown until page 1 arrives
    let finished = false;
    let busy = false;
    let again = false;

    const launch = (n: number): void => {
      let settled = false;
      const settle = (slot: Slot<T>): void => {
        if (settled) return;
        settled = true;
        results.set(n, slot);
        inFlight.get(n)?.unsubscribe();
        inFlight.delete(n);
        pump();
      };
      const subscription = fetchPage(n).subscribe({
        next: (page) => settle({ kind: 'page', page }),
        error: (error: unknown) => settle({ kind: 'error', error }),
        complete: () =>
          settle({ kind: 'error', error: new Error(`page ${n} completed without a value`) }),
      });
      if (settled) subscription.unsubscribe();
      else inFlight.set(n, subscription);
    };

    /** Emits every page that is ready, in order; returns false when the stream ended. */
    const drain = (): boolean => {
      for (let slot = results.get(next); slot !== undefined; slot = results.get(next)) {
        results.delete(next);
        if (slot.kind === 'error') {
          subscriber.error(slot.error);
          return false;
        }
        const { data, pagination } = slot.page;
        totalPages = pagination.total_pages;
        for (const item of data) {
          if (subscriber.closed) return false;
          subscriber.next(item);
        }
        if (subscriber.closed) return false;
        if (data.length === 0 || next >= totalPages) {
          subscriber.complete();
          return false;
        }
        next += 1;
      }
      return true;
    };

    const fill = (): void => {
      const ahead = Math.max(1, prefetch);
      const limit = totalPages === undefined ? 1 : Math.min(totalPages, next - 1 + ahead);
      while (!subscriber.closed && launched < limit) {
        launched += 1;
        launch(launched);
      }
    };

    /** Re-entrant-safe: a page that arrives synchronously while filling is handled after. */
    function pump(): void {
      if (finished) return;
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      do {
        again = false;
        if (!drain()) finished = true;
        else fill();
      } while (again && !finished && !subscriber.closed);
      busy = false;
    }

    pump();
    return () => {
      finished = true;
      for (const subscription of inFlight.values()) subscription.unsubscribe();
      inFlight.clear();
      results.clear();
    };
  });
