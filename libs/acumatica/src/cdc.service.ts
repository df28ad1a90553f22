import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { createHash } from 'node:crypto';
import { BadRequestError, DomainError, toProblem } from '@tablecast/common';
import { cdcConfig, parseConfig } from '@tablecast/config';
import { DataWriter, isTableName, OUTCOMES, OutcomeCounts, RetentionService, toJsonText, WriteTable } from '@tablecast/dynamic-data';
import { MetricsService } from '@tablecast/ops';
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

/** Table names listed in one log line; beyond, only their count. */
const LOGGED_TABLES = 20;
/** Seconds an overloaded sender is asked to wait (`Retry-After`). */
const RETRY_AFTER_SECONDS = 5;

/** Turns Acumatica push notifications into change sets: exactly once, in order, all or nothing. */
@Injectable()
export class CdcService {
  private readonly logger = new Logger('AcumaticaCdc');
  private readonly queue: OrganizationQueue;

  constructor(
    private readonly writer: DataWriter,
    private readonly repository: AcumaticaRepository,
    private readonly metrics: MetricsService,
    private readonly audit: DeliveryAudit,
    @Inject(cdcConfig.KEY) private readonly config: ConfigType<typeof cdcConfig>,
    retention: RetentionService,
    @Inject(parseConfig.KEY) private readonly limits: ConfigType<typeof parseConfig>,
  ) {
    this.queue = new OrganizationQueue({
      concurrency: config.orgConcurrency,
      maxBytesPerOrg: config.queueMaxBytesPerOrg,
      maxBytes: config.queueMaxBytes,
      maxWaitMs: config.queueMaxWaitMs,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
    metrics.watchQueueDepth(() => this.queue.depths());
    retention.register('cdc-dedupe', (cutoff, batch) => repository.purgeDedupe(cutoff, batch));
  }

  async ingest(request: CdcRequest): Promise<CdcReceipt> {
    const receivedAt = new Date();
    let notification: PushNotification | undefined;
    let rows = 0;
    try {
      if (request.table !== undefined && !isTableName(request.table)) {
        throw new BadRequestError('table: the table name must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', [
          { field: 'table', message: 'table must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' },
        ]);
      }
      const keyFields = parseKeyParam(request.key);
      // What waits for the organization's turn is the raw body, bounded by bytes; it is parsed in its turn.
      const bytes = bodyBytes(request.body);
      const receipt = await this.queue.run(request.organizationId, bytes, async () => {
        notification = await readPushNotification(request.body, { maxRows: this.limits.maxRows });
        rows = notification.inserted.length + notification.deleted.length;
        const routed = routeRows(notification, request.table);
        if (request.table !== undefined && routed.size === 0) routed.set(request.table, { inserted: [], deleted: [] });
        return this.apply(request, notification, routed, keyFields);
      });
      this.finish(request, notification, receivedAt, rows, 200, receipt, undefined);
      return receipt;
    } catch (error) {
      const problem = toProblem(error);
      this.finish(request, notification, receivedAt, rows, problem.status, undefined, problem.body);
      throw error;
    }
  }

  /** One transaction through the write path: the dedupe mark and every table's changes together. */
  private async apply(
    request: CdcRequest,
    notification: PushNotification,
    routed: Map<string, TableRows>,
    keyFields: string[] | undefined,
  ): Promise<CdcReceipt> {
    const digest = this.digest(request, notification);
    const result = await this.writer.write(
      { organizationId: request.organizationId, solutionId: request.solutionId },
      [...routed].map(([table, rows]) => ({
        table,
        createIfMissing: { keyFields: keyFields ?? null },
        changes: (locked: WriteTable) => {
          assertKeyParamFits(locked, keyFields);
          return toChangeSetInTurns(rows, locked.keyFields, notification.timeStamp);
        },
      })),
      { dedupe: (manager) => this.repository.markOnce(manager, request.solutionId, digest) },
    );
    if (result.duplicate) {
      const tables = Object.fromEntries(Object.entries(result.heads).map(([name, head]) => [name, { head }]));
      return { duplicate: true, inserted: 0, updated: 0, deleted: 0, unchanged: 0, stale: 0, tables };
    }
    const sets = result.sets;
    const counts = Object.fromEntries(OUTCOMES.map((o) => [o, sets.reduce((n, set) => n + set.counts[o], 0)])) as OutcomeCounts;
    const tables = Object.fromEntries([...sets].sort((a, b) => (a.table < b.table ? -1 : 1)).map((set) => [set.table, { head: set.head }]));
    return { duplicate: false, ...counts, tables };
  }

  /**
   * A notification's identity per destination: the URL's table/key parameters, (CompanyId, Query,
   * Id) when it has an Id, otherwise its TimeStamp when it has one, and its rows. Retries are
   * byte-identical; their digest is too. (The digest of a notification with an Id, or with neither
   * Id nor TimeStamp, is the same as before TimeStamps counted, so marks written earlier still match.)
   */
  private digest(request: CdcRequest, notification: PushNotification): Buffer {
    const identity = notification.id === null ? null : [notification.companyId, notification.query, notification.id];
    const destination: unknown[] = [request.table ?? null, request.key ?? null, identity];
    if (notification.id === null && notification.timeStamp !== null) destination.push(notification.timeStamp.toString());
    return createHash('sha256')
      .update(JSON.stringify(destination))
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
      ...loggedTables(receipt ? Object.keys(receipt.tables) : request.table ? [request.table] : []),
      query: notification?.query,
      notificationId: notification?.id,
      status,
      result,
      rows,
      counts: receipt && {
        inserted: receipt.inserted,
        updated: receipt.updated,
        deleted: receipt.deleted,
        unchanged: receipt.unchanged,
        stale: receipt.stale,
      },
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

/** At most LOGGED_TABLES names in a log line, and how many there were. */
function loggedTables(names: string[]): { tables: string[]; tableCount: number } {
  return { tables: names.slice(0, LOGGED_TABLES), tableCount: names.length };
}

/**
 * `?key=` sets the key fields of a table the notification creates. On an existing table it must
 * name the table's own key fields: any other value (also on a table without key fields) would
 * file the same row under a second id, so it is refused with 409 naming `key`.
 */
function assertKeyParamFits(table: WriteTable, keyFields: string[] | undefined): void {
  if (keyFields === undefined || table.created) return;
  const own = table.keyFields ?? [];
  if (own.length === keyFields.length && own.every((field, i) => field === keyFields[i])) return;
  const has = table.keyFields ? `its key fields are ${table.keyFields.join(',')}` : 'it has no key fields';
  const message = `key ${JSON.stringify(keyFields.join(','))} does not match the existing table ${JSON.stringify(table.name)} (${has}); ?key= only sets the key fields of a table the notification creates`;
  throw new DomainError('conflict', `key: ${message}`, { errors: [{ field: 'key', message }] });
}

/** What a waiting request body holds in memory. */
function bodyBytes(body: unknown): number {
  if (typeof body === 'string') return Buffer.byteLength(body, 'utf8');
  return Buffer.isBuffer(body) ? body.length : 0;
}
