import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { DomainError } from '@tablecast/common';
import { pullConfig } from '@tablecast/config';
import { ChangeInput, DataWriter } from '@tablecast/dynamic-data';
import { recordIdOf } from '../change-mapping';
import { Row } from '../push-notification';
import { AcumaticaError, AcumaticaSession } from './acumatica-client';
import { AcumaticaSessions } from './acumatica-sessions.service';
import { PullRepository, ReloadJobRow } from './pull.repository';
import { ReloadResult } from './views';

/** .NET ticks (100 ns since 0001-01-01 UTC) of a time: the TimeStamp a reload stamps its writes with. */
export function toTicks(time: Date): bigint {
  return (BigInt(time.getTime()) + 62_135_596_800_000n) * 10_000n;
}

/** Why a run stopped early: a cancel (DELETE) or this node shutting down. */
export type StopReason = 'cancel' | 'shutdown';

class Stopped extends Error {
  constructor(readonly reason: StopReason) {
    super(reason);
  }
}

/** Renames OData properties (`fieldMap`); unmapped ones keep their names. */
export function mapFields(row: Record<string, unknown>, fieldMap: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (name.startsWith('@odata.')) continue;
    out[Object.hasOwn(fieldMap, name) ? fieldMap[name] : name] = value;
  }
  return out;
}

/**
 * Runs one claimed reload: reads the Generic Inquiry page by page in one session, writes each
 * page through the DataWriter stamped with the reload's start (.NET ticks), leaves records
 * changed since the start alone (skippedNewer), and for `compare` deletes after the last page
 * what the read did not return.
 */
@Injectable()
export class ReloadRunner {
  private readonly logger = new Logger('AcumaticaReload');

  constructor(
    private readonly repository: PullRepository,
    private readonly sessions: AcumaticaSessions,
    private readonly writer: DataWriter,
    @Inject(pullConfig.KEY) private readonly config: ConfigType<typeof pullConfig>,
  ) {}

  async run(job: ReloadJobRow, stop: AbortController): Promise<void> {
    const started = Date.now();
    try {
      const result = await this.execute(job, stop);
      await this.repository.finish(job.id, 'succeeded', result as unknown as Record<string, number>, null);
      this.logger.log({
        msg: 'acumatica reload succeeded',
        reloadId: job.id,
        table: job.table_name,
        mode: job.mode,
        ...result,
        durationMs: Date.now() - started,
      });
    } catch (error) {
      const reason = error instanceof Stopped ? error.reason : stop.signal.aborted ? (stop.signal.reason as StopReason) : undefined;
      if (reason === 'shutdown') {
        await this.repository.requeue(job.id);
        this.logger.log({ msg: 'acumatica reload put back in the queue (shutdown)', reloadId: job.id });
        return;
      }
      if (reason === 'cancel') {
        this.logger.log({ msg: 'acumatica reload cancelled', reloadId: job.id });
        return;
      }
      const failure = describeFailure(error);
      if (failure.code === 'internal') this.logger.error({ msg: 'acumatica reload failed', reloadId: job.id, error: String(error) });
      else this.logger.warn({ msg: 'acumatica reload failed', reloadId: job.id, table: job.table_name, error: failure });
      await this.repository.finish(job.id, 'failed', null, failure);
    }
  }

  private async execute(job: ReloadJobRow, stop: AbortController): Promise<ReloadResult> {
    if (!job.connection_id || !job.generic_inquiry)
      throw new DomainError('bad_request', 'The table has no source (its source was deleted).');
    if (!job.key_fields) throw new DomainError('bad_request', 'The table has no key fields.');
    const connection = await this.repository.connectionById(job.connection_id);
    if (!connection) throw new DomainError('bad_request', 'The source’s connection no longer exists.');
    const since = job.started_at!;
    const stamp = toTicks(since);
    const result: ReloadResult = { inserted: 0, updated: 0, deleted: 0, unchanged: 0, skippedNewer: 0 };
    const keyFields = job.key_fields;
    const read = job.mode === 'compare' ? new Set<string>() : undefined;
    await this.sessions.with(
      connection,
      async (session) => {
        let pages = 0;
        let rowsRead = 0;
        for (;;) {
          const rows = await this.readPage(session, job, keyFields, rowsRead, stop);
          const changes = this.toChanges(rows, job, keyFields, pages + 1);
          for (const change of changes) read?.add(change.id);
          if (changes.length) await this.write(job, changes, since, stamp, result);
          pages++;
          rowsRead += rows.length;
          if (!(await this.repository.progress(job.id, pages, rowsRead))) throw new Stopped('cancel');
          if (stop.signal.aborted) throw new Stopped(stop.signal.reason as StopReason);
          if (rows.length < this.config.pageSize) break;
        }
      },
      stop.signal,
    );
    if (read) await this.deleteUnread(job, read, since, stamp, result);
    return result;
  }

  private async readPage(session: AcumaticaSession, job: ReloadJobRow, keyFields: string[], skip: number, stop: AbortController) {
    // OData orders by its own property names: a key column renamed by fieldMap is ordered by its OData name.
    const reverse = new Map(Object.entries(job.field_map ?? {}).map(([odata, column]) => [column, odata]));
    const orderBy = keyFields.map((field) => reverse.get(field) ?? field);
    try {
      return await session.readPage(job.generic_inquiry!, orderBy, this.config.pageSize, skip);
    } catch (error) {
      if (stop.signal.aborted) throw new Stopped(stop.signal.reason as StopReason);
      throw error;
    }
  }

  private toChanges(rows: Record<string, unknown>[], job: ReloadJobRow, keyFields: string[], page: number): ChangeInput[] {
    const byId = new Map<string, ChangeInput>();
    rows.forEach((raw, i) => {
      const row = mapFields(raw, job.field_map ?? {});
      const id = recordIdOf({ row: row as Row, at: `page ${page} row ${i}` }, keyFields);
      byId.set(id, { id, op: 'upsert', data: row });
    });
    return [...byId.values()];
  }

  /** One page, one transaction; rows changed since the reload started are left alone. */
  private async write(job: ReloadJobRow, changes: ChangeInput[], since: Date, stamp: bigint, result: ReloadResult): Promise<void> {
    let newer = 0;
    const written = await this.writer.write({ organizationId: job.organization_id, solutionId: job.solution_id }, [
      {
        table: job.table_name,
        sourceTs: stamp,
        changes: async () => {
          // Under the table's lock: every earlier write is committed and visible.
          const changed = await this.repository.changedSince(
            job.table_id,
            changes.map((c) => c.id),
            since,
          );
          newer = changed.size;
          return changes.filter((c) => !changed.has(c.id));
        },
      },
    ]);
    if (written.duplicate) return;
    this.add(result, written.sets[0].counts, newer);
  }

  private async deleteUnread(job: ReloadJobRow, read: Set<string>, since: Date, stamp: bigint, result: ReloadResult): Promise<void> {
    let newer = 0;
    const written = await this.writer.write({ organizationId: job.organization_id, solutionId: job.solution_id }, [
      {
        table: job.table_name,
        sourceTs: stamp,
        changes: async () => {
          const unread = await this.repository.unread(job.table_id, [...read], since);
          newer = unread.filter((r) => r.newer).length;
          return unread.filter((r) => !r.newer).map((r): ChangeInput => ({ id: r.id, op: 'delete' }));
        },
      },
    ]);
    if (written.duplicate) return;
    this.add(result, written.sets[0].counts, newer);
  }

  private add(
    result: ReloadResult,
    counts: Record<'inserted' | 'updated' | 'deleted' | 'unchanged' | 'stale', number>,
    newer: number,
  ): void {
    result.inserted += counts.inserted;
    result.updated += counts.updated;
    result.deleted += counts.deleted;
    result.unchanged += counts.unchanged;
    result.skippedNewer += counts.stale + newer;
  }
}

/** The reload's `error`: never a secret (Acumatica errors name the step; others their message or nothing). */
function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof AcumaticaError) return { code: error.code, message: error.message };
  if (error instanceof DomainError)
    return { code: error.code === 'payload_too_large' ? 'row_too_large' : 'bad_row', message: error.message };
  return { code: 'internal', message: 'The reload failed on an internal error; see the server log.' };
}
