import { ChangeView } from '@tablecast/dynamic-data';

export interface TableAddress {
  organizationId: string;
  solutionId: string;
  table: string;
}

/** Server → client `onTableChange`: the changes after the last ones this subscription was sent. */
export interface TableChangePayload extends TableAddress {
  changes: ChangeView[];
  head: number;
}

/**
 * Server → client `resubscribe`: the server stopped this subscription; subscribe again. With
 * `since` (a slow consumer) from there; without it (the log no longer reaches back to what was
 * sent, or the table was deleted, perhaps created again) the next subscribe answers `reset: true`.
 */
export interface ResubscribePayload extends TableAddress {
  since?: number;
  reason: 'slow_consumer' | 'log_purged' | 'table_dropped';
}

export interface ServerToClientEvents {
  onTableChange: (payload: TableChangePayload) => void;
  resubscribe: (payload: ResubscribePayload) => void;
}

export type AckErrorCode = 'forbidden' | 'not_found' | 'bad_request' | 'rate_limited' | 'limit';
export type AckError = { ok: false; error: { code: AckErrorCode; message: string } };
export type SubscribeAck = { ok: true; head: number; reset?: true } | AckError;
export type UnsubscribeAck = { ok: true } | AckError;

export function ackError(code: AckErrorCode, message: string): AckError {
  return { ok: false, error: { code, message } };
}
