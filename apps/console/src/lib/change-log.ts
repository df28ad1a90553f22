import type { Change, ChangesPage } from '../api/types';

export const LOG_PAGE = 1000;

export interface BackwardRead {
  /** The changes read, oldest first. */
  changes: Change[];
  /** Where to continue reading older changes (0: the log was read to its start). */
  before: number;
  /** The log no longer reaches further back (purged by retention). */
  purged: boolean;
}

/**
 * Reads the change log backwards from `upTo` (inclusive) in pages of 1000, the API only reading
 * forwards (`?since`): page k asks for `since = upTo - 1000k`. Stops after `maxPages`, at the
 * log's start, or when `enough(page)` says the page reached back far enough.
 */
export async function readBackwards(
  fetchPage: (since: number, limit: number) => Promise<ChangesPage>,
  upTo: number,
  maxPages: number,
  enough: (oldestFirst: Change[]) => boolean = () => false,
): Promise<BackwardRead> {
  const pages: Change[][] = [];
  let before = upTo;
  for (let n = 0; n < maxPages && before > 0; n++) {
    const since = Math.max(0, before - LOG_PAGE);
    const page = await fetchPage(since, LOG_PAGE);
    if (page.reset) return { changes: pages.reverse().flat(), before, purged: true };
    const items = page.items.filter((c) => c.seq <= before);
    pages.push(items);
    before = since;
    if (enough(items)) break;
  }
  return { changes: pages.reverse().flat(), before, purged: false };
}
