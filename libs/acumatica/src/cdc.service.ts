import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { createHash, Hash } from 'node:crypto';
import { BadRequestError, DomainError, nextTurn, toProblem } from '@tablecast/common';
import { cdcConfig, parseConfig } from '@tablecast/config';
import {
  DataWriter,
  GroupCommitter,
  GroupMark,
  GroupTable,
  isTableName,
  OUTCOMES,
  OutcomeCounts,
  RetentionService,
  toJsonText,
  WriteScope,
} from '@tablecast/dynamic-data';
import { MetricsService } from '@tablecast/ops';
import { AcumaticaRepository } from './acumatica.repository';
import { parseKeyParam, routeRows, TableRows, toChangeSetInTurns } from './change-mapping';
import { DeliveryAudit } from './delivery-audit';
import { OrganizationQueue } from './organization-queue';
import { PushNotification, readPushNotification, Row } from './push-notification';

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
/** Rows serialized and hashed between two yields to the event loop. */
const ROWS_PER_TURN = 2000;

/** A notification's rows as exact JSON texts, written once: hashed for the dedupe mark, then stored. */
interface RowTexts {
  inserted: string[];
  deleted: string[];
}

/** Turns Acumatica push notifications into change sets: exactly once, in order, all or nothing. */
@Injectable()
export class CdcService {
  private readonly logger = new Logger('AcumaticaCdc');
  private readonly queue: OrganizationQueue;

  constructor(
    private readonly writer: DataWriter,
    private readonly groups: GroupCommitter,
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
        const texts = await rowTexts(notification);
        const routed = routeRows(notification, request.table, texts);
        if (request.table !== undefined && routed.size === 0) routed.set(request.table, { inserted: [], deleted: [] });
        const digest = await this.digest(request, notification, texts);
        return routed.size === 1 ? this.applyToOne(request, notification, routed, keyFields, digest) : this.apply(request, notification, routed, keyFields, digest);
      });
      this.finish(request, notification, receivedAt, rows, 200, receipt, undefined);
      return receipt;
    } catch (error) {
      const problem = toProblem(error);
      this.finish(request, notification, receivedAt, rows, problem.status, undefined, problem.body);
      throw error;
    }
  }

  /**
   * A notification for one table (the usual case: one Generic Inquiry feeds one table) joins the
   * table's group commit: committed with the other notifications queued for that table, with its
   * own answer.
   */
  private async applyToOne(
    request: CdcRequest,
    notification: PushNotification,
    routed: Map<string, TableRows>,
    keyFields: string[] | undefined,
    digest: Buffer,
  ): Promise<CdcReceipt> {
    const [[table, rows]] = routed;
    const scope: WriteScope = { organizationId: request.organizationId, solutionId: request.solutionId };
    const result = await this.groups.commit(
      scope,
      table,
      {
        createIfMissing: { keyFields: keyFields ?? null },
        prepare: (locked: GroupTable) => {
          assertKeyParamFits(locked, table, keyFields);
          return toChangeSetInTurns(rows, locked.keyFields, notification.timeStamp);
        },
        mark: this.mark(request.solutionId, digest),
      },
      rows.inserted.length + rows.deleted.length,
    );
    return { duplicate: result.duplicate, ...result.counts, tables: { [table]: { head: result.head } } };
  }

  private mark(solutionId: string, digest: Buffer): GroupMark {
    return {
      key: digest.toString('hex'),
      statement: (scope, keys) => this.repository.markGroupStatement(scope.solutionId, keys),
      markOnce: (manager) => this.repository.markOnce(manager, solutionId, digest),
    };
  }

  /** One transaction through the write path: the dedupe mark and every table's changes together. */
  private async apply(
    request: CdcRequest,
    notification: PushNotification,
    routed: Map<string, TableRows>,
    keyFields: string[] | undefined,
    digest: Buffer,
  ): Promise<CdcReceipt> {
    const result = await this.writer.write(
      { organizationId: request.organizationId, solutionId: request.solutionId },
      [...routed].map(([table, rows]) => ({
        table,
        createIfMissing: { keyFields: keyFields ?? null },
        changes: (locked: GroupTable) => {
          assertKeyParamFits(locked, table, keyFields);
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
   * Hashed incrementally from the rows' texts (the same bytes as the whole `[Inserted, Deleted]`
   * text), giving the event loop its turn between slices.
   */
  private async digest(request: CdcRequest, notification: PushNotification, texts: RowTexts): Promise<Buffer> {
    const identity = notification.id === null ? null : [notification.companyId, notification.query, notification.id];
    const destination: unknown[] = [request.table ?? null, request.key ?? null, identity];
    if (notification.id === null && notification.timeStamp !== null) destination.push(notification.timeStamp.toString());
    const hash = createHash('sha256').update(JSON.stringify(destination)).update('[[');
    await hashJoined(hash, texts.inserted);
    hash.update('],[');
    await hashJoined(hash, texts.deleted);
    return hash.update(']]').digest();
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
function assertKeyParamFits(table: GroupTable, name: string, keyFields: string[] | undefined): void {
  if (keyFields === undefined || table.created) return;
  const own = table.keyFields ?? [];
  if (own.length === keyFields.length && own.every((field, i) => field === keyFields[i])) return;
  const has = table.keyFields ? `its key fields are ${table.keyFields.join(',')}` : 'it has no key fields';
  const message = `key ${JSON.stringify(keyFields.join(','))} does not match the existing table ${JSON.stringify(name)} (${has}); ?key= only sets the key fields of a table the notification creates`;
  throw new DomainError('conflict', `key: ${message}`, { errors: [{ field: 'key', message }] });
}

/** Each row's exact JSON text, written once, in slices. */
async function rowTexts(notification: PushNotification): Promise<RowTexts> {
  const write = async (rows: Row[]) => {
    const texts: string[] = new Array<string>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      if (i > 0 && i % ROWS_PER_TURN === 0) await nextTurn();
      texts[i] = toJsonText(rows[i]);
    }
    return texts;
  };
  return { inserted: await write(notification.inserted), deleted: await write(notification.deleted) };
}

/** Hashes `texts` joined with commas, in slices. */
async function hashJoined(hash: Hash, texts: string[]): Promise<void> {
  for (let i = 0; i < texts.length; i++) {
    if (i > 0 && i % ROWS_PER_TURN === 0) await nextTurn();
    if (i > 0) hash.update(',');
    hash.update(texts[i]);
  }
}

/** What a waiting request body holds in memory. */
function bodyBytes(body: unknown): number {
  if (typeof body === 'string') return Buffer.byteLength(body, 'utf8');
  return Buffer.isBuffer(body) ? body.length : 0;
}
