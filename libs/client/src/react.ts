import React from 'react';
import type { TablecastClient } from './client';
import { TableAddress, TableSnapshot } from './types';

const NOT_OPEN: TableSnapshot = Object.freeze({ status: 'loading', records: Object.freeze([]), lastSeq: 0 }) as TableSnapshot;

/**
 * `useTable(client, address)`: the table's status and live records (id order), re-rendered on
 * every change. Built on `useSyncExternalStore`: the table is opened when the component
 * subscribes (an effect, so StrictMode's mount → unmount → mount reuses one copy and one
 * subscription) and React reads the snapshot again right after subscribing, so a change that
 * lands between render and subscribe is never missed. Closed on unmount.
 */
export function useTable(client: TablecastClient, address: TableAddress): TableSnapshot {
  const { organizationId, solutionId, table } = address;
  const subscribe = React.useCallback(
    (notify: () => void) => {
      const handle = client.table({ organizationId, solutionId, table });
      const off = handle.onUpdate(notify);
      return () => {
        off();
        void handle.close();
      };
    },
    [client, organizationId, solutionId, table],
  );
  const getSnapshot = React.useCallback(() => client.snapshot({ organizationId, solutionId, table }) ?? NOT_OPEN, [client, organizationId, solutionId, table]);
  return React.useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
