import { TableChanged, TableDropped } from '@tablecast/dynamic-data';

/**
 * Carries table events between nodes. It only rings: subscribers always read the committed
 * changes from the log, so a late, repeated or lost ring costs latency, never data (a periodic
 * sweep catches anything a lost ring would have announced, including a dropped table).
 */
export interface Doorbell {
  /** Starts listening; `onRing` gets rings from other nodes; `onReconnect` after rings may have been missed. */
  start(onRing: (ring: OriginRing) => void, onReconnect: () => void): Promise<void>;
  ring(ring: OriginRing): void;
  stop(): Promise<void>;
}

/** What nodes tell each other: a table's log grew, or a table was deleted. `origin` is the sending node. */
export type Ring = (TableChanged & { kind?: undefined }) | (TableDropped & { kind: 'table-dropped' });
export type OriginRing = Ring & { origin: string };

export function isRing(value: unknown): value is OriginRing {
  const ring = value as OriginRing;
  if (typeof ring !== 'object' || ring === null || typeof ring.origin !== 'string') return false;
  return ring.kind === 'table-dropped' ? isTableAddress(ring) : ring.kind === undefined && isTableChanged(ring);
}

function isTableAddress(value: TableDropped): boolean {
  return typeof value.organizationId === 'string' && typeof value.solutionId === 'string' && typeof value.table === 'string';
}

function isTableChanged(e: TableChanged): boolean {
  return isTableAddress(e) && typeof e.tableId === 'string' && Number.isSafeInteger(e.fromSeq) && Number.isSafeInteger(e.toSeq);
}
