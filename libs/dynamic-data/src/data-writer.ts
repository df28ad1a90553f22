import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ConflictError, DomainError, NotFoundError, PayloadTooLargeError } from '@tablecast/common';
import { dataConfig } from '@tablecast/config';
import { TransactionRunner } from '@tablecast/database';
import { EntityManager } from 'typeorm';
import { ChangeInput, countOutcomes, encodeChangeSetInTurns, Outcome, OutcomeCounts, RecordTooLargeError } from './change-set';
import { RecordsRepository } from './records.repository';
import { TableChanged, TableChangedEvents } from './table-changed.events';
import { TableRow, TablesRepository } from './tables.repository';
import { RecordView, toRecordView } from './views';

/** Where a write goes: one solution of one organization. */
export interface WriteScope {
  organizationId: string;
  solutionId: string;
}

/** A table as a change set builder sees it: locked for this transaction. */
export interface WriteTable {
  readonly name: string;
  readonly keyFields: string[] | null;
  /** True when this write created the table. */
  readonly created: boolean;
  /** The table's head before this change set. */
  readonly head: number;
  /** Reads a record (tombstones too) under the lock. */
  find(id: string): Promise<RecordView | undefined>;
}

/**
 * One change set for one table. Several change sets may name the same table (e.g. a group commit
 * of several notifications, or a reload's pages with a TimeStamp each): they are applied in the
 * order given, each numbered after the one before, under one lock.
 */
export interface ChangeSetWrite {
  table: string;
  /** Create the table when it does not exist yet, with these key fields; without it a missing table is 404. */
  createIfMissing?: { keyFields: string[] | null };
  /** The changes; a function is called once the table is locked (key fields known), and again if the transaction is retried. */
  changes: ChangeInput[] | ((table: WriteTable) => ChangeInput[] | Promise<ChangeInput[]>);
  /** The source TimeStamp of the whole change set (e.g. a reload's start), for its changes that carry none of their own. */
  sourceTs?: bigint;
}

export interface WriteOptions<R> {
  /**
   * Runs first inside the transaction, before the tables are locked and anything is written: false
   * means "already applied" (e.g. Acumatica's dedupe mark exists), and the write changes nothing.
   */
  dedupe?: (manager: EntityManager) => Promise<boolean>;
  /** Runs inside the transaction after the changes, with the tables in lock order (e.g. PUT reads the record it left). */
  readBack?: (tables: Map<string, WriteTable>) => Promise<R>;
}

export interface AppliedChangeSet {
  table: string;
  /** Per input change, in input order. */
  outcomes: Outcome[];
  /** seq given to each input change, or null when it changed nothing. */
  seqs: (number | null)[];
  counts: OutcomeCounts;
  head: number;
  /** The "table changed" event published after commit; null when nothing changed. */
  event: TableChanged | null;
}

export type WriteResult<R> =
  /** `dedupe` said "already applied": nothing was written. `heads` per table named (0 when it does not exist). */
  { duplicate: true; heads: Record<string, number> } | { duplicate: false; sets: AppliedChangeSet[]; readBack: R };

/** The solution already holds as many tables as it may. */
export class TableLimitError extends DomainError {
  constructor(limit: number, field: string) {
    const message = `the solution may hold at most ${limit} tables (MAX_TABLES_PER_SOLUTION); this would create more`;
    super('conflict', `${field}: ${message}`, { errors: [{ field, message }] });
  }
}

/**
 * The one write path for records and changes (REST, Acumatica pushes, reloads). `write` owns the
 * transaction (retried on deadlock or serialization failure), the lock order (the solution, then
 * its tables by id — the order the retention purge uses too), the existence check (the lock
 * statement itself: a solution deleted meanwhile is 404, never a foreign-key 500), table creation
 * within the per-solution limit, the caller's dedupe hook, and publishing after commit.
 */
@Injectable()
export class DataWriter {
  constructor(
    private readonly tables: TablesRepository,
    private readonly records: RecordsRepository,
    private readonly events: TableChangedEvents,
    private readonly transactions: TransactionRunner,
    @Inject(dataConfig.KEY) private readonly config: ConfigType<typeof dataConfig>,
  ) {}

  async write<R = undefined>(scope: WriteScope, writes: ChangeSetWrite[], options: WriteOptions<R> = {}): Promise<WriteResult<R>> {
    const names = [...new Set(writes.map((w) => w.table))].sort();
    const result = await this.transactions.run(async (manager): Promise<WriteResult<R>> => {
      // The dedupe mark goes first, before the table locks: its round trip is then not spent while
      // other writers of the same table wait (it locks only the solution row, as the lock statement does).
      const fresh = options.dedupe ? await options.dedupe(manager) : true;
      const locked = await this.lock(manager, scope, names);
      if (!fresh) {
        return { duplicate: true, heads: Object.fromEntries(names.map((name) => [name, Number(locked.get(name)?.head ?? 0)])) };
      }
      const created = await this.createMissing(manager, scope, writes, locked);
      const handles = new Map<string, WriteTable>();
      const heads = new Map<string, number>();
      for (const [name, row] of locked) heads.set(name, Number(row.head));
      const sets: AppliedChangeSet[] = [];
      for (const write of writes) {
        const row = locked.get(write.table)!;
        const handle = this.handle(manager, row, created.has(row.name), heads.get(row.name)!);
        handles.set(row.name, handle);
        const changes = typeof write.changes === 'function' ? await write.changes(handle) : write.changes;
        const stamped =
          write.sourceTs === undefined ? changes : changes.map((c) => (c.sourceTs == null ? { ...c, sourceTs: write.sourceTs } : c));
        const set = await this.apply(manager, row, heads.get(row.name)!, stamped);
        heads.set(row.name, set.head);
        sets.push(set);
      }
      for (const [name, row] of locked)
        if (!handles.has(name)) handles.set(name, this.handle(manager, row, created.has(name), heads.get(name)!));
      const readBack = options.readBack ? await options.readBack(handles) : (undefined as R);
      return { duplicate: false, sets, readBack };
    });
    if (!result.duplicate) this.events.publish(result.sets.flatMap((set) => (set.event ? [set.event] : [])));
    return result;
  }

  /** Creates an empty table (REST): 409 when the name is taken or the solution is at its table limit. */
  async createTable(scope: WriteScope, name: string, keyFields: string[] | null): Promise<TableRow> {
    return this.transactions.run(async (manager) => {
      // Locking the name first waits for a delete of it still in flight (the new table then continues its numbering).
      if ((await this.lock(manager, scope, [name])).has(name))
        throw new ConflictError(`A table named ${JSON.stringify(name)} already exists in this solution.`);
      if (!(await this.tables.lockCatalog(manager, scope.organizationId, scope.solutionId)))
        throw new NotFoundError('No such solution in this organization.');
      const result = await this.tables.createMissing(manager, scope.solutionId, [{ name, keyFields }], this.config.maxTablesPerSolution);
      if (result.created.length === 0 && !result.allowed) throw new TableLimitError(this.config.maxTablesPerSolution, 'name');
      if (result.created.length === 0) throw new ConflictError(`A table named ${JSON.stringify(name)} already exists in this solution.`);
      return (await this.tables.find(scope.organizationId, scope.solutionId, name, manager))!;
    });
  }

  private async lock(manager: EntityManager, scope: WriteScope, names: string[]): Promise<Map<string, TableRow>> {
    const locked = await this.tables.lockForWrite(manager, scope.organizationId, scope.solutionId, names);
    if (!locked.solution) throw new NotFoundError('No such solution in this organization.');
    return new Map(locked.tables.map((row) => [row.name, row]));
  }

  /** Creates the missing tables that may be created (404 for one that may not), then locks them; returns the names created. */
  private async createMissing(
    manager: EntityManager,
    scope: WriteScope,
    writes: ChangeSetWrite[],
    locked: Map<string, TableRow>,
  ): Promise<Set<string>> {
    const wanted = new Map<string, string[] | null>();
    for (const write of writes) {
      if (locked.has(write.table) || wanted.has(write.table)) continue;
      if (!write.createIfMissing) throw new NotFoundError(`No table named ${JSON.stringify(write.table)} in this solution.`);
      wanted.set(write.table, write.createIfMissing.keyFields);
    }
    if (wanted.size === 0) return new Set();
    await this.tables.lockCatalog(manager, scope.organizationId, scope.solutionId);
    const limit = this.config.maxTablesPerSolution;
    const result = await this.tables.createMissing(
      manager,
      scope.solutionId,
      [...wanted].map(([name, keyFields]) => ({ name, keyFields })),
      limit,
    );
    if (!result.allowed) throw new TableLimitError(limit, 'table');
    const fresh = await this.tables.lockForWrite(manager, scope.organizationId, scope.solutionId, [...wanted.keys()]);
    for (const row of fresh.tables) locked.set(row.name, row);
    const missing = [...wanted.keys()].find((name) => !locked.has(name));
    // Only a table deleted again between its creation by another writer and our lock gets here.
    if (missing !== undefined) throw new NotFoundError(`No table named ${JSON.stringify(missing)} in this solution.`);
    return new Set(result.created);
  }

  private handle(manager: EntityManager, row: TableRow, created: boolean, head: number): WriteTable {
    return {
      name: row.name,
      keyFields: row.key_fields,
      created,
      head,
      find: async (id) => {
        const record = await this.records.find(row.id, id, manager);
        return record && toRecordView(record);
      },
    };
  }

  private async apply(manager: EntityManager, table: TableRow, head: number, changes: ChangeInput[]): Promise<AppliedChangeSet> {
    let encoded: string;
    try {
      encoded = await encodeChangeSetInTurns(changes, this.config.maxRecordBytes);
    } catch (error) {
      if (error instanceof RecordTooLargeError) throw new PayloadTooLargeError(error.message);
      throw error;
    }
    const rows = changes.length ? await this.records.apply(manager, table.id, encoded, String(head)) : [];
    const outcomes = rows.map((row) => row.outcome);
    const seqs = rows.map((row) => (row.seq === null ? null : Number(row.seq)));
    const added = seqs.filter((seq) => seq !== null).length;
    const newHead = head + added;
    return {
      table: table.name,
      outcomes,
      seqs,
      counts: countOutcomes(outcomes),
      head: newHead,
      event:
        added > 0
          ? {
              organizationId: table.organization_id,
              solutionId: table.solution_id,
              table: table.name,
              tableId: table.id,
              fromSeq: head + 1,
              toSeq: newHead,
            }
          : null,
    };
  }
}
