import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { NotFoundError, PayloadTooLargeError } from '@tablecast/common';
import { dataConfig } from '@tablecast/config';
import { classifyDatabaseError } from '@tablecast/database';
import { EntityManager } from 'typeorm';
import { ChangeInput, countOutcomes, encodeMemberChanges, Outcome, OutcomeCounts, RecordTooLargeError } from './change-set';
import { DataWriter, WriteScope } from './data-writer';
import { GROUP_SOLUTION_GONE, GROUP_TABLE_CHANGED, GroupApply, GroupApplied, GroupWave, RecordsRepository } from './records.repository';
import { TableChangedEvents } from './table-changed.events';
import { TablesRepository } from './tables.repository';

/** A table as a group member's changes are mapped against: its key fields, read before any lock. */
export interface GroupTable {
  readonly name: string;
  readonly keyFields: string[] | null;
  /** True when this member's own write created the table (only on the one-by-one path that creates it). */
  readonly created: boolean;
}

/** The at-least-once mark of a member (e.g. Acumatica's notification digest). */
export interface GroupMark {
  /** Hex; equal marks within one group are one notification sent twice. */
  key: string;
  /** Writes the marks of a group in one statement without parameters; sets FRESH_MARKS_SETTING to the fresh ones. */
  statement(scope: WriteScope, keys: string[]): string;
  /** Writes this mark alone inside a transaction (the path that creates the table): false when it exists. */
  markOnce(manager: EntityManager): Promise<boolean>;
}

/** One change set for one table, to be committed together with others queued for that table. */
export interface GroupMember {
  /** Called before any lock, with the table's key fields; a throw refuses this member alone. */
  prepare(table: GroupTable): ChangeInput[] | Promise<ChangeInput[]>;
  /** Create the table when it does not exist yet, with these key fields; without it a missing table is 404. */
  createIfMissing?: { keyFields: string[] | null };
  mark?: GroupMark;
}

/** A member's own answer, as exact as if it had been committed alone. */
export interface GroupMemberResult {
  duplicate: boolean;
  counts: OutcomeCounts;
  /** The table's head after this member's changes (a duplicate: after the group). */
  head: number;
}

/** Most changes one group applies; members beyond wait for the next group. */
const MAX_GROUP_CHANGES = 20_000;
/** Most members in one group. */
const MAX_GROUP_MEMBERS = 256;
/** Tables whose id and key fields are remembered (checked under the lock at every use). */
const MAX_CACHED_TABLES = 10_000;

interface Pending {
  member: GroupMember;
  size: number;
  resolve: (result: GroupMemberResult) => void;
  reject: (error: unknown) => void;
}

interface TableMeta {
  id: string;
  name: string;
  keyFields: string[] | null;
  organizationId: string;
  solutionId: string;
}

interface Prepared {
  pending: Pending;
  ids: string[];
  /** The changes encoded for the apply statement (see encodeMemberChanges). */
  encoded: string[];
  /** Index in the group's member list sent to the database; -1 for a repeat of an earlier member's mark. */
  member: number;
}

/** The table's id or key fields changed since they were read: map the changes again. */
class StaleTableError extends Error {}

const EMPTY_COUNTS = (): OutcomeCounts => countOutcomes([]);

/**
 * Group commit per table. While a transaction for a table is in flight, the change sets that
 * arrive for it wait; then they are applied together in one transaction: one multi-row dedupe
 * insert, one table lock, the sets in arrival order, one commit, one "table changed" event. A lone
 * change set goes straight through. Everything that can refuse one member (mapping, the record
 * size limit) runs before the lock, and the dedupe marks, the lock, the apply and the commit are
 * one message (one round trip, one implicit transaction); if it fails all the same, its members
 * are retried one by one, so each stays all-or-nothing with its own answer.
 */
@Injectable()
export class GroupCommitter {
  private readonly queues = new Map<string, Pending[]>();
  private readonly tablesMeta = new Map<string, TableMeta>();

  constructor(
    private readonly tables: TablesRepository,
    private readonly records: RecordsRepository,
    private readonly events: TableChangedEvents,
    private readonly writer: DataWriter,
    @Inject(dataConfig.KEY) private readonly config: ConfigType<typeof dataConfig>,
  ) {}

  /** Commits `member` with whatever else is queued for the table; `size` (e.g. its rows) bounds a group. */
  commit(scope: WriteScope, table: string, member: GroupMember, size: number): Promise<GroupMemberResult> {
    const key = `${scope.organizationId}/${scope.solutionId}/${table}`;
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(key);
      const pending = { member, size: Math.max(1, size), resolve, reject };
      if (queue) return void queue.push(pending);
      this.queues.set(key, [pending]);
      void this.drain(key, scope, table);
    });
  }

  /** Change sets waiting for the table's transaction in flight (they form its next group). */
  queued(scope: WriteScope, table: string): number {
    return this.queues.get(`${scope.organizationId}/${scope.solutionId}/${table}`)?.length ?? 0;
  }

  private async drain(key: string, scope: WriteScope, table: string): Promise<void> {
    const queue = this.queues.get(key)!;
    while (queue.length > 0) {
      let size = 0;
      let count = 0;
      while (count < queue.length && count < MAX_GROUP_MEMBERS && (count === 0 || size + queue[count].size <= MAX_GROUP_CHANGES))
        size += queue[count++].size;
      const group = queue.splice(0, count);
      try {
        await this.runGroup(scope, table, group);
      } catch (error) {
        for (const pending of group) pending.reject(error);
      }
    }
    this.queues.delete(key);
  }

  private async runGroup(scope: WriteScope, table: string, group: Pending[]): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const meta = await this.meta(scope, table, attempt > 0);
      if (!meta) return this.oneByOneCreating(scope, table, group);
      const prepared = await this.prepare(meta, group);
      if (prepared.length === 0) return;
      try {
        return await this.apply(scope, meta, prepared);
      } catch (error) {
        if (error instanceof StaleTableError) continue;
        if (prepared.length === 1 || error instanceof NotFoundError || classifyDatabaseError(error)?.kind === 'unavailable') {
          for (const { pending } of prepared) pending.reject(error);
          return;
        }
        for (const one of prepared) await this.runGroup(scope, table, [one.pending]);
        return;
      }
    }
    // The table keeps changing under us (recreated, key fields set): the path that locks before mapping.
    return this.oneByOneCreating(scope, table, group);
  }

  /** The table's id and key fields, cached; `fresh` reads them again. Undefined when it does not exist. */
  private async meta(scope: WriteScope, table: string, fresh: boolean): Promise<TableMeta | undefined> {
    const key = `${scope.solutionId}/${table}`;
    const cached = fresh ? undefined : this.tablesMeta.get(key);
    if (cached && cached.organizationId === scope.organizationId) return cached;
    const row = await this.tables.find(scope.organizationId, scope.solutionId, table);
    if (!row) {
      this.tablesMeta.delete(key);
      return undefined;
    }
    const meta = { id: row.id, name: row.name, keyFields: row.key_fields, organizationId: row.organization_id, solutionId: row.solution_id };
    if (this.tablesMeta.size >= MAX_CACHED_TABLES) this.tablesMeta.clear();
    this.tablesMeta.set(key, meta);
    return meta;
  }

  /**
   * Maps, encodes and checks every member before any lock; a member that fails (a bad row, a record
   * over the size limit) is answered alone. A repeated mark is the same notification: it is not sent again.
   */
  private async prepare(meta: TableMeta, group: Pending[]): Promise<Prepared[]> {
    const prepared: Prepared[] = [];
    const marks = new Set<string>();
    let member = 0;
    for (const pending of group) {
      try {
        const mark = pending.member.mark?.key;
        if (mark !== undefined && marks.has(mark)) {
          prepared.push({ pending, ids: [], encoded: [], member: -1 });
          continue;
        }
        const changes = await pending.member.prepare({ name: meta.name, keyFields: meta.keyFields, created: false });
        const encoded = await encodeMemberChanges(changes, member, 0, this.config.maxRecordBytes);
        if (mark !== undefined) marks.add(mark);
        prepared.push({ pending, ids: changes.map((change) => change.id), encoded, member: member++ });
      } catch (error) {
        pending.reject(error instanceof RecordTooLargeError ? new PayloadTooLargeError(error.message) : error);
      }
    }
    return prepared;
  }

  private async apply(scope: WriteScope, meta: TableMeta, prepared: Prepared[]): Promise<void> {
    const sent = prepared.filter((p) => p.member >= 0);
    const waves = this.waves(sent);
    const marked = sent.filter((p) => p.pending.member.mark);
    const markKeys = marked.map((p) => p.pending.member.mark!.key).sort();
    const prelude = marked.length > 0 ? marked[0].pending.member.mark!.statement(scope, markKeys) : undefined;
    const input: GroupApply = { ...scope, tableId: meta.id, keyFields: meta.keyFields, prelude, waves };
    let applied: GroupApplied;
    try {
      applied = await this.records.applyGroup(input);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === GROUP_SOLUTION_GONE) throw new NotFoundError('No such solution in this organization.');
      if (code === GROUP_TABLE_CHANGED) throw new StaleTableError();
      throw error;
    }
    this.answer(meta, scope, prepared, applied, new Set(prelude ? String(applied.prelude[0]?.marks ?? '').split(',') : []));
  }

  /** Splits the members, in order, into waves in which each record id appears once (a later wave sees the earlier's writes). */
  private waves(sent: Prepared[]): GroupWave[] {
    const waves: GroupWave[] = [];
    let ids = new Set<string>();
    let parts: string[] = [];
    let members: GroupWave['members'] = [];
    const close = () => {
      if (members.length) waves.push({ members, changes: `[${parts.join(',')}]` });
      ids = new Set();
      parts = [];
      members = [];
    };
    for (const p of sent) {
      if (p.ids.some((id) => ids.has(id))) close();
      for (const id of p.ids) ids.add(id);
      for (const part of p.encoded) parts.push(part);
      members.push({ member: p.member, mark: p.pending.member.mark?.key ?? null });
    }
    close();
    return waves;
  }

  private answer(meta: TableMeta, scope: WriteScope, prepared: Prepared[], applied: GroupApplied, fresh: Set<string>): void {
    const outcomes = new Map<number, Outcome[]>();
    const added = new Map<number, number>();
    for (const row of applied.waves.flat()) {
      const list = outcomes.get(row.m) ?? [];
      list.push(row.outcome);
      outcomes.set(row.m, list);
      if (row.seq !== null) added.set(row.m, (added.get(row.m) ?? 0) + 1);
    }
    let total = 0;
    for (const n of added.values()) total += n;
    const before = applied.head - total;
    let head = before;
    const heads = new Map<number, number>();
    for (const p of prepared) if (p.member >= 0) heads.set(p.member, (head += added.get(p.member) ?? 0));
    for (const p of prepared) {
      const mark = p.pending.member.mark?.key;
      const duplicate = p.member < 0 || (mark !== undefined && !fresh.has(mark));
      p.pending.resolve(
        duplicate
          ? { duplicate: true, counts: EMPTY_COUNTS(), head }
          : { duplicate: false, counts: countOutcomes(outcomes.get(p.member) ?? []), head: heads.get(p.member)! },
      );
    }
    if (head > before)
      this.events.publish([
        {
          organizationId: scope.organizationId,
          solutionId: scope.solutionId,
          table: meta.name,
          tableId: meta.id,
          fromSeq: before + 1,
          toSeq: head,
        },
      ]);
  }

  /** Without the table (or when it keeps changing): each member through DataWriter.write, which locks, creates and maps. */
  private async oneByOneCreating(scope: WriteScope, table: string, group: Pending[]): Promise<void> {
    for (const { member, resolve, reject } of group) {
      try {
        const result = await this.writer.write(
          scope,
          [{ table, createIfMissing: member.createIfMissing, changes: (locked) => member.prepare(locked) }],
          member.mark ? { dedupe: (manager) => member.mark!.markOnce(manager) } : {},
        );
        if (result.duplicate) resolve({ duplicate: true, counts: EMPTY_COUNTS(), head: result.heads[table] ?? 0 });
        else resolve({ duplicate: false, counts: result.sets[0].counts, head: result.sets[0].head });
      } catch (error) {
        reject(error);
      }
    }
    this.tablesMeta.delete(`${scope.solutionId}/${table}`);
  }
}
