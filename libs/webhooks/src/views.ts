import { AttemptRow, CursorRow, WebhookRow } from './webhooks.repository';

export interface WebhookCursorView {
  table: string;
  deliveredSeq: number;
  head: number;
  failingSince: string | null;
  nextAttemptAt: string | null;
}

export interface WebhookView {
  id: string;
  url: string;
  tables: string[] | null;
  description: string;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
  cursors: WebhookCursorView[];
}

export interface AttemptView {
  id: string;
  webhookId: string;
  table: string;
  fromSeq: number;
  toSeq: number;
  attempt: number;
  status: number | null;
  error: string | null;
  durationMs: number;
  at: string;
}

export function toWebhookView(row: WebhookRow, cursors: CursorRow[]): WebhookView {
  return {
    id: row.id,
    url: row.url,
    tables: row.tables,
    description: row.description,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at.toISOString(),
    cursors: cursors.map((c) => ({
      table: c.table,
      deliveredSeq: Number(c.delivered_seq),
      head: Number(c.head),
      failingSince: c.failing_since?.toISOString() ?? null,
      // Only a failing cursor waits for a time; a healthy one is sent as soon as its table changes.
      nextAttemptAt: c.attempts > 0 ? c.next_attempt_at.toISOString() : null,
    })),
  };
}

export function toAttemptView(row: AttemptRow): AttemptView {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    table: row.table_name,
    fromSeq: Number(row.from_seq),
    toSeq: Number(row.to_seq),
    attempt: row.attempt,
    status: row.status,
    error: row.error,
    durationMs: row.duration_ms,
    at: row.at.toISOString(),
  };
}
