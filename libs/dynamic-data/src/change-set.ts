import { nextTurn, stringifyExact } from '@tablecast/common';

/**
 * What a writer asks for, per record:
 * - `upsert`: insert, or update when the record is live (Acumatica "Inserted" only; REST PUT);
 * - `update`: the record's new data (Acumatica "Deleted" + "Inserted" with the same id);
 * - `delete`: tombstone the record, keeping the source TimeStamp so older writes stay stale.
 */
export type ChangeOp = 'upsert' | 'update' | 'delete';

export interface ChangeInput {
  id: string;
  op: ChangeOp;
  /** New data (upsert/update); for a delete, the row as the source last sent it (kept on a new tombstone). */
  data?: Record<string, unknown>;
  /** The source's ordering stamp (Acumatica TimeStamp, .NET ticks); null when unknown: arrival order decides. */
  sourceTs?: bigint | null;
  /** `data` as exact JSON text, when the caller already wrote it (rows are serialized once). */
  dataText?: string;
}

/** What happened to each change. */
export type Outcome = 'inserted' | 'updated' | 'deleted' | 'unchanged' | 'stale';
export const OUTCOMES: Outcome[] = ['inserted', 'updated', 'deleted', 'unchanged', 'stale'];

export type OutcomeCounts = Record<Outcome, number>;

export function countOutcomes(outcomes: Outcome[]): OutcomeCounts {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;
  for (const outcome of outcomes) counts[outcome]++;
  return counts;
}

/** Serializes JSON exactly, including numbers beyond double precision (ExactNumber), at JSON.stringify's speed. */
export function toJsonText(value: unknown): string {
  return stringifyExact(value) ?? 'null';
}

/** A change whose serialized data exceeds the per-record limit. */
export class RecordTooLargeError extends Error {
  constructor(
    readonly recordId: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`Record ${JSON.stringify(recordId)} is ${bytes} bytes; the limit is ${limit} bytes.`);
  }
}

/**
 * The change set as one JSON array for `jsonb_to_recordset`: ordinal, id, op, data (exact text),
 * ts (a string, so .NET ticks stay exact). Ids must be unique within a set.
 */
export function encodeChangeSet(changes: ChangeInput[], maxRecordBytes: number): string {
  const seen = new Set<string>();
  return `[${changes.map((change, ord) => encodeChange(change, ord, seen, maxRecordBytes)).join(',')}]`;
}

/** Changes encoded between two yields to the event loop. */
const CHANGES_PER_TURN = 2000;

/** {@link encodeChangeSet} in slices that give the event loop its turn: a 100,000-row set never stalls other requests. */
export async function encodeChangeSetInTurns(changes: ChangeInput[], maxRecordBytes: number): Promise<string> {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (let ord = 0; ord < changes.length; ord++) {
    if (ord > 0 && ord % CHANGES_PER_TURN === 0) await nextTurn();
    parts.push(encodeChange(changes[ord], ord, seen, maxRecordBytes));
  }
  return `[${parts.join(',')}]`;
}

/**
 * A change set's changes for a group's wave (see RecordsRepository.applyGroup): `{m, ord, …}`
 * with ord counting on from `firstOrd`. Checks the per-record limit (RecordTooLargeError) before
 * any lock is taken. Yields to the event loop between slices.
 */
export async function encodeMemberChanges(
  changes: ChangeInput[],
  member: number,
  firstOrd: number,
  maxRecordBytes: number,
): Promise<string[]> {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (let i = 0; i < changes.length; i++) {
    if (i > 0 && i % CHANGES_PER_TURN === 0) await nextTurn();
    parts.push(encodeChange(changes[i], firstOrd + i, seen, maxRecordBytes, `"m":${member},`));
  }
  return parts;
}

function encodeChange(change: ChangeInput, ord: number, seen: Set<string>, maxRecordBytes: number, prefix = ''): string {
  if (seen.has(change.id)) throw new Error(`change set has record ${JSON.stringify(change.id)} twice`);
  seen.add(change.id);
  const data = change.dataText ?? (change.data === undefined ? 'null' : toJsonText(change.data));
  // Only a text with non-ASCII characters can have more bytes than characters (a UTF-16 unit is at most 3 bytes).
  const bytes = data.length * 3 <= maxRecordBytes ? data.length : Buffer.byteLength(data, 'utf8');
  if (bytes > maxRecordBytes) throw new RecordTooLargeError(change.id, bytes, maxRecordBytes);
  const ts = change.sourceTs === undefined || change.sourceTs === null ? 'null' : `"${change.sourceTs.toString()}"`;
  return `{${prefix}"ord":${ord},"id":${JSON.stringify(change.id)},"op":"${change.op}","data":${data},"ts":${ts}}`;
}
