import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { NotFoundError, PayloadTooLargeError } from '@tablecast/common';
import { dataConfig } from '@tablecast/config';
import { EntityManager } from 'typeorm';
import { ChangeInput, countOutcomes, encodeChangeSetInTurns, Outcome, OutcomeCounts, RecordTooLargeError } from './change-set';
import { RecordsRepository } from './records.repository';
import { TableChanged, TableChangedEvents } from './table-changed.events';
import { LockedTable, TablesRepository } from './tables.repository';

export interface ChangeSetTarget {
  organizationId: string;
  solutionId: string;
  table: string;
  /** Create the table when it does not exist yet (Acumatica's first notification). */
  createIfMissing?: { keyFields: string[] | null };
}

export interface AppliedChangeSet {
  table: string;
  /** Per input change, in input order. */
  outcomes: Outcome[];
  /** seq given to each input change, or null when it changed nothing. */
  seqs: (number | null)[];
  counts: OutcomeCounts;
  head: number;
  /** The "table changed" event to publish after commit; null when nothing changed. */
  event: TableChanged | null;
}

/**
 * The one write path for records and changes. Every writer (REST, Acumatica) locks the table with
 * `lock`, hands its change set to `applyToLocked` inside its transaction, and publishes the
 * returned events with `publish` after commit.
 */
@Injectable()
export class ChangeSetService {
  constructor(
    private readonly tables: TablesRepository,
    private readonly records: RecordsRepository,
    private readonly events: TableChangedEvents,
    @Inject(dataConfig.KEY) private readonly config: ConfigType<typeof dataConfig>,
  ) {}

  /** Locks the table for the rest of the transaction; 404 when it does not exist (and is not to be created). */
  async lock(manager: EntityManager, target: ChangeSetTarget): Promise<LockedTable> {
    const table = await this.tables.lockForWrite(manager, target.solutionId, target.table, target.createIfMissing);
    if (!table || table.organization_id !== target.organizationId) throw new NotFoundError(`No table named ${JSON.stringify(target.table)} in this solution.`);
    return table;
  }

  async applyToLocked(manager: EntityManager, table: LockedTable, changes: ChangeInput[]): Promise<AppliedChangeSet> {
    let encoded: string;
    try {
      encoded = await encodeChangeSetInTurns(changes, this.config.maxRecordBytes);
    } catch (error) {
      if (error instanceof RecordTooLargeError) throw new PayloadTooLargeError(error.message);
      throw error;
    }
    const rows = changes.length ? await this.records.apply(manager, table.id, encoded, table.head, table.now) : [];
    const outcomes = rows.map((row) => row.outcome);
    const seqs = rows.map((row) => (row.seq === null ? null : Number(row.seq)));
    const added = seqs.filter((seq) => seq !== null).length;
    const from = Number(table.head) + 1;
    const head = Number(table.head) + added;
    return {
      table: table.name,
      outcomes,
      seqs,
      counts: countOutcomes(outcomes),
      head,
      event:
        added > 0
          ? { organizationId: table.organization_id, solutionId: table.solution_id, table: table.name, tableId: table.id, fromSeq: from, toSeq: head }
          : null,
    };
  }

  /** Call after commit, never inside the transaction. */
  publish(applied: AppliedChangeSet[]): void {
    this.events.publish(applied.flatMap((set) => (set.event ? [set.event] : [])));
  }
}
