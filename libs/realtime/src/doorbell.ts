import { TableChanged } from '@tablecast/dynamic-data';

/**
 * Carries "table changed" events between nodes. It only rings: subscribers always read the
 * committed changes from the log, so a late, repeated or lost ring costs latency, never data
 * (a periodic sweep catches anything a lost ring would have announced).
 */
export interface Doorbell {
  /** Starts listening; `onRing` gets rings from other nodes; `onReconnect` after rings may have been missed. */
  start(onRing: (ring: Ring) => void, onReconnect: () => void): Promise<void>;
  ring(ring: Ring): void;
  stop(): Promise<void>;
}

/** What nodes tell each other: a table's log grew, or a token was revoked. `origin` is the sending node. */
export type Ring = (TableChanged & { kind?: undefined }) | { kind: 'token-revoked'; tokenId: string };
export type OriginRing = Ring & { origin: string };

export function isRing(value: unknown): value is OriginRing {
  const ring = value as OriginRing;
  if (typeof ring !== 'object' || ring === null || typeof ring.origin !== 'string') return false;
  return ring.kind === 'token-revoked' ? typeof ring.tokenId === 'string' : isTableChanged(ring);
}

export const DOORBELL = Symbol('Doorbell');

export function isTableChanged(value: unknown): value is TableChanged {
  const e = value as TableChanged;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.organizationId === 'string' &&
    typeof e.solutionId === 'string' &&
    typeof e.table === 'string' &&
    typeof e.tableId === 'string' &&
    Number.isSafeInteger(e.fromSeq) &&
    Number.isSafeInteger(e.toSeq)
  );
}
