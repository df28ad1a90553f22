import { DependencyList, useState } from 'react';
import type { Page } from '../api/types';
import { useAsync } from './use-async';

/** Cursor paging: the current page, and the cursors of the pages before it for "Previous page". */
export function usePages<T>(load: (cursor: string | null) => Promise<Page<T>>, deps: DependencyList) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [key, setKey] = useState(deps);
  if (deps.some((d, i) => !Object.is(d, key[i]))) {
    // New list (e.g. another filter): back to its first page.
    setKey(deps);
    setCursors([null]);
  }
  const cursor = cursors[cursors.length - 1];
  // The caller's dependency list, checked at its call site (eslint's additionalHooks), plus the cursor.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useAsync(() => load(cursor), [...deps, cursor]);
  return {
    ...state,
    items: state.data?.items ?? [],
    pageNumber: cursors.length,
    hasNext: !!state.data?.nextCursor,
    hasPrevious: cursors.length > 1,
    next: () => state.data?.nextCursor && setCursors((c) => [...c, state.data!.nextCursor]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
  };
}
