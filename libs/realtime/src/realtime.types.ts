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

/** Server → client `resubscribe`: the server stopped this subscription (slow consumer, purged log); subscribe again with `since`. */
export interface ResubscribePayload extends TableAddress {
  since: number;
  reason: 'slow_consumer' | 'log_purged';
}

export interface ServerToClientEvents {
  onTableChange: (payload: TableChangePayload) => void;
  resubscribe: (payload: ResubscribePayload) => void;
}

export type AckError = { ok: false; error: { code: 'forbidden' | 'not_found' | 'bad_request' | 'rate_limited'; message: string } };
export type SubscribeAck = { ok: true; head: number; reset?: true } | AckError;
export type UnsubscribeAck = { ok: true } | AckError;

export function ackError(code: AckError['error']['code'], message: string): AckError {
  return { ok: false, error: { code, message } };
}
