import { Injectable } from '@nestjs/common';
import { decodeCursor, Page, toPage } from '@tablecast/common';
import { SolutionsService } from '@tablecast/tenancy';
import { AcumaticaRepository, DeliveryRow } from './acumatica.repository';

export interface DeliveryView {
  id: string;
  receivedAt: string;
  status: number;
  duplicate: boolean;
  companyId: string | null;
  query: string | null;
  notificationId: string | null;
  timeStamp: string | null;
  table: string | null;
  rows: number;
  durationMs: number;
  receipt: unknown;
  error: unknown;
}

function toView(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    receivedAt: row.received_at.toISOString(),
    status: row.status,
    duplicate: row.duplicate,
    companyId: row.company_id,
    query: row.query,
    notificationId: row.notification_id,
    timeStamp: row.time_stamp,
    table: row.table_param,
    rows: row.rows,
    durationMs: row.duration_ms,
    receipt: row.receipt,
    error: row.error,
  };
}

/** The delivery audit: what Acumatica sent and what it was answered, to reconcile with its failed-notifications screen. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly repository: AcumaticaRepository,
    private readonly solutions: SolutionsService,
  ) {}

  async list(organizationId: string, solutionId: string, limit: number, cursor?: string): Promise<Page<DeliveryView>> {
    await this.solutions.assertExists(organizationId, solutionId);
    const before = cursor ? String(decodeCursor(cursor, ['digits'])[0]) : undefined;
    const rows = await this.repository.listDeliveries(solutionId, limit, before);
    return toPage(rows, limit, toView, (row) => [row.id]);
  }
}
