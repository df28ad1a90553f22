import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { createHash } from 'node:crypto';
import { BadRequestError, toProblem } from '@tablecast/common';
import { cdcConfig, parseConfig } from '@tablecast/config';
import { TransactionRunner } from '@tablecast/database';
import { AppliedChangeSet, ChangeSetService, isTableName, OUTCOMES, OutcomeCounts, RetentionService, TablesService, toJsonText } from '@tablecast/dynamic-data';
import { MetricsService } from '@tablecast/ops';
import { SolutionsService } from '@tablecast/tenancy';
import { AcumaticaRepository } from './acumatica.repository';
import { parseKeyParam, routeRows, TableRows, toChangeSetInTurns } from './change-mapping';
import { DeliveryAudit } from './delivery-audit';
import { OrganizationQueue } from './organization-queue';
import { PushNotification, readPushNotification } from './push-notification';

export interface CdcRequest {
  organizationId: string;
  solutionId: string;
  /** `?table=`: the target table (otherwise each row's `_tab`). */
  table: string | undefined;
  /** `?key=A,B`: key fields for a table the notification creates. */
  key: string | undefined;
  /** The raw body: parsed here, losslessly. */
  body: unknown;
}

export type CdcReceipt = { duplicate: boolean } & OutcomeCounts & { tables: Record<string, { head: number }> };

/** Turns Acumatica push notifications into change sets: exactly once, in order, all or nothing. */
@Injectable()
export class CdcService {
  private readonly logger = new Logger('AcumaticaCdc');
  private readonly queue: OrganizationQueue;

  constructor(
    private readonly solutions: SolutionsService,
    private readonly tables: TablesService,
    private readonly changeSets: ChangeSetService,
    private readonly transactions: TransactionRunner,
    private readonly repository: AcumaticaRepository,
    private readonly metrics: MetricsService,
    private readonly audit: DeliveryAudit,
    @Inject(cdcConfig.KEY) private readonly config: ConfigType<typeof cdcConfig>,
    retention: RetentionService,
    @Inject(parseConfig.KEY) private readonly limits: ConfigType<typeof parseConfig>,
  ) {
    this.queue = new OrganizationQueue(config.orgConcurrency);
    retention.register('cdc-dedupe', (cutoff, batch) => repository.purgeDedupe(cutoff, batch));
  }

  async ingest(request: CdcRequest): Promise<CdcReceipt> {
    const receivedAt = new Date();
    let notification: PushNotification | undefined;
    let rows = 0;
    try {
      await this.solutions.assertExists(request.organizationId, request.solutionId);
      if (request.table !== undefined && !isTableName(request.table)) {
        throw new BadRequestError('table: the table name must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', [
          { field: 'table', message: 'table must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' },
        ]);
      }
      const keyFields = parseKeyParam(request.key);
      notification = await readPushNotification(request.body, { maxRows: this.limits.maxRows });
      rows = notification.inserted.length + notification.deleted.length;
      const routed = routeRows(notification, request.table);
      if (request.table !== undefined && routed.size === 0) routed.set(request.table, { inserted: [], deleted: [] });
      const parsed = notification;
      const receipt = await this.queue.run(request.organizationId, () => this.apply(request, parsed, routed, keyFields));
      this.finish(request, notification, receivedAt, rows, 200, receipt, undefined);
      return receipt;
    } catch (error) {
      const problem = toProblem(error);
      this.finish(request, notification, receivedAt, rows, problem.status, undefined, problem.body);
      throw error;
    }
  }

  private async apply(request: CdcRequest, notification: PushNotification, routed: Map<string, TableRows>, keyFields: string[] | undefined): Promise<CdcReceipt> {
    const digest = this.digest(request, notification);
    const sets = await this.transactions.run(async (manager) => {
      if (!(await this.repository.markOnce(manager, request.solutionId, digest))) return null;
      const applied: AppliedChangeSet[] = [];
      // Tables are locked in name order, so notifications spanning several tables cannot deadlock.
      for (const table of [...routed.keys()].sort()) {
        const locked = await this.changeSets.lock(manager, {
          organizationId: request.organizationId,
          solutionId: request.solutionId,
          table,
          createIfMissing: { keyFields: keyFields ?? null },
        });
        const changes = await toChangeSetInTurns(routed.get(table)!, locked.key_fields ?? keyFields ?? null, notification.timeStamp);
        applied.push(await this.changeSets.applyToLocked(manager, locked, changes));
      }
      return applied;
    });
    if (sets === null) return this.duplicateReceipt(request, [...routed.keys()]);
    this.changeSets.publish(sets);
    const counts = Object.fromEntries(OUTCOMES.map((o) => [o, sets.reduce((n, set) => n + set.counts[o], 0)])) as OutcomeCounts;
    return { duplicate: false, ...counts, tables: Object.fromEntries(sets.map((set) => [set.table, { head: set.head }])) };
  }

  private async duplicateReceipt(request: CdcRequest, tableNames: string[]): Promise<CdcReceipt> {
    const tables: Record<string, { head: number }> = {};
    for (const name of tableNames.sort()) {
      const table = await this.tables.find(request.organizationId, request.solutionId, name);
      tables[name] = { head: Number(table?.head ?? 0) };
    }
    return { duplicate: true, inserted: 0, updated: 0, deleted: 0, unchanged: 0, stale: 0, tables };
  }

  /**
   * A notification's identity per destination: the URL's table/key parameters, (CompanyId, Query,
   * Id) when it has an Id, and its rows. Retries are byte-identical; their digest is too.
   */
  private digest(request: CdcRequest, notification: PushNotification): Buffer {
    const identity = notification.id === null ? null : [notification.companyId, notification.query, notification.id];
    return createHash('sha256')
      .update(JSON.stringify([request.table ?? null, request.key ?? null, identity]))
      .update(toJsonText([notification.inserted, notification.deleted]))
      .digest();
  }

  /** One log line per notification (no row data, no token), metrics, and the delivery audit. */
  private finish(
    request: CdcRequest,
    notification: PushNotification | undefined,
    receivedAt: Date,
    rows: number,
    status: number,
    receipt: CdcReceipt | undefined,
    error: unknown,
  ): void {
    const durationMs = Date.now() - receivedAt.getTime();
    const result = status !== 200 ? (status >= 500 ? 'failed' : 'rejected') : receipt?.duplicate ? 'duplicate' : 'applied';
    this.metrics.notifications.inc({ result });
    if (receipt && !receipt.duplicate) {
      this.metrics.changes.inc({ op: 'insert' }, receipt.inserted);
      this.metrics.changes.inc({ op: 'update' }, receipt.updated);
      this.metrics.changes.inc({ op: 'delete' }, receipt.deleted);
    }
    const line = {
      msg: 'acumatica notification',
      organizationId: request.organizationId,
      solutionId: request.solutionId,
      tables: receipt ? Object.keys(receipt.tables) : request.table ? [request.table] : [],
      query: notification?.query,
      notificationId: notification?.id,
      status,
      result,
      rows,
      counts: receipt && { inserted: receipt.inserted, updated: receipt.updated, deleted: receipt.deleted, unchanged: receipt.unchanged, stale: receipt.stale },
      durationMs,
    };
    if (status >= 500) this.logger.error(line);
    else this.logger.log(line);

    this.audit.record({
      solutionId: request.solutionId,
      receivedAt,
      status,
      duplicate: receipt?.duplicate ?? false,
      companyId: notification?.companyId ?? null,
      query: notification?.query ?? null,
      notificationId: notification?.id ?? null,
      timeStamp: notification?.timeStamp?.toString() ?? null,
      tableParam: request.table ?? null,
      rows,
      durationMs,
      receipt,
      error,
    });
  }
}
