import { TablecastClient } from '@tablecast/client';
import type { TableAddress, TableStatus } from '@tablecast/client';
import { createContext, ReactNode, useContext, useEffect, useRef, useState } from 'react';
import type { Change } from './api/types';
import { readToken, useSession } from './session';

/** What the console needs of a live table; the SDK's TableHandle is one. */
export interface LiveTable {
  on(event: 'change', listener: (changes: Change[]) => void): () => void;
  on(event: 'status', listener: (status: TableStatus) => void): () => void;
  readonly status: TableStatus;
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export type OpenTable = (address: TableAddress) => LiveTable;

const LiveContext = createContext<OpenTable | null>(null);

/** One SDK client (one Socket.IO connection) per signed-in token, closed on sign-out. */
export function LiveProvider({ children, open }: { children: ReactNode; open?: OpenTable }) {
  const { token } = useSession();
  const [client, setClient] = useState<TablecastClient | null>(null);
  useEffect(() => {
    if (open || !token) return;
    const created = new TablecastClient({ baseUrl: location.origin, token: () => readToken() ?? token });
    setClient(created);
    return () => {
      setClient(null);
      void created.close();
    };
  }, [open, token]);
  const value = open ?? (client ? (address: TableAddress) => client.table(address) : null);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/**
 * Keeps a table open through the SDK while the component is mounted: `onChange` gets every
 * change applied (in seq order), the answer is the feed status. Closed on unmount.
 */
export function useLiveTable(address: TableAddress, onChange: (changes: Change[]) => void): TableStatus {
  const open = useContext(LiveContext);
  const [status, setStatus] = useState<TableStatus>('loading');
  const listener = useRef(onChange);
  listener.current = onChange;
  const { organizationId, solutionId, table } = address;
  useEffect(() => {
    if (!open) return;
    const handle = open({ organizationId, solutionId, table });
    setStatus(handle.status);
    const offs = [handle.on('change', (changes) => listener.current(changes)), handle.on('status', setStatus)];
    handle.ready.catch(() => setStatus('error'));
    return () => {
      offs.forEach((off) => off());
      void handle.close();
    };
  }, [open, organizationId, solutionId, table]);
  return status;
}
