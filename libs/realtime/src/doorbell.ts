import { TableChanged } from '@tablecast/dynamic-data';

/**
 * Carries "table changed" events between nodes. It only rings: subscribers always read the
 * committed changes from the log, so a late, repeated or lost ring costs latency, never data
 * (a periodic sweep catches anything a lost ring would have announced).
 */
export interface Doorbell {
  /** Starts listening; `onRing` gets events from other nodes; `onReconnect` after rings may have been missed. */
  start(onRing: (event: TableChanged) => void, onReconnect: () => void): Promise<void>;
  ring(event: TableChanged): void;
  stop(): Promise<void>;
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
