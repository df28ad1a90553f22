import { isLosslessNumber } from 'lossless-json';
import { BadRequestError } from '@tablecast/common';
import { ChangeInput, isTableName, keyFieldsProblem, recordIdProblem } from '@tablecast/dynamic-data';
import { PushNotification, Row } from './push-notification';
import { runInTurns, runSync } from './push-notification-parser';

/** A row and where it stood in the notification, for error messages. */
export interface LocatedRow {
  row: Row;
  at: string;
  /** The row as exact JSON text, when already written (rows are serialized once per notification). */
  text?: string;
}

export interface TableRows {
  inserted: LocatedRow[];
  deleted: LocatedRow[];
}

/** Separator between the values of a composite key (`?key=A,B` → "a|b"). */
export const KEY_SEPARATOR = '|';
/** Escapes KEY_SEPARATOR and itself inside the values of a composite key. */
export const KEY_ESCAPE = '\\';

/**
 * One value of a composite key, with `\` and `|` escaped (`x|y` → `x\|y`), so that different
 * value lists never join to the same id. Values containing neither are unchanged.
 */
export function escapeKeyValue(value: string): string {
  return value.replace(/[\\|]/g, (char) => KEY_ESCAPE + char);
}

const DELETED_FLAGS = new Set(['true', 'True', '1']);

function invalid(field: string, message: string): BadRequestError {
  return new BadRequestError(`${field}: ${message}`, [{ field, message }]);
}

function cellText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (isLosslessNumber(value)) return value.value;
  return String(value);
}

/** `_del` is true, 1, "true", "True" or "1": the source row is deleted in Acumatica's database. */
export function isDeletedFlag(value: unknown): boolean {
  if (value === true || value === 1) return true;
  const text = typeof value === 'string' ? value : isLosslessNumber(value) ? value.value : undefined;
  return text !== undefined && DELETED_FLAGS.has(text);
}

/** `?table=` names the table; otherwise each row's `_tab` does. `texts` are the rows' JSON texts, in order, when known. */
export function routeRows(
  notification: PushNotification,
  tableParam: string | undefined,
  texts?: { inserted: string[]; deleted: string[] },
): Map<string, TableRows> {
  const tables = new Map<string, TableRows>();
  const place = (row: Row, at: string, side: keyof TableRows, text: string | undefined) => {
    let table = tableParam;
    if (table === undefined) {
      const tab = row._tab;
      if (tab === undefined || tab === null) {
        throw invalid(`${at}._tab`, `${at} has no _tab and the URL has no ?table=: name the target table with one of them`);
      }
      if (!isTableName(tab)) throw invalid(`${at}._tab`, `${at}._tab ${JSON.stringify(String(tab))} is not a valid table name`);
      table = tab;
    }
    if (!tables.has(table)) tables.set(table, { inserted: [], deleted: [] });
    tables.get(table)![side].push({ row, at, text });
  };
  notification.inserted.forEach((row, i) => place(row, `Inserted[${i}]`, 'inserted', texts?.inserted[i]));
  notification.deleted.forEach((row, i) => place(row, `Deleted[${i}]`, 'deleted', texts?.deleted[i]));
  return tables;
}

/**
 * The record id: the key fields' values joined in order, or the row's first column whose name does
 * not start with "_". Values are stringified and trimmed (Acumatica pads keys with spaces). Only
 * the row's own columns count, never inherited properties (`toString`, `constructor`). With several
 * key fields, `|` and `\` inside a value are escaped with `\`, so ids cannot collide.
 */
export function recordIdOf({ row, at }: LocatedRow, keyFields: string[] | null): string {
  const fields = keyFields ?? [Object.keys(row).find((column) => !column.startsWith('_'))].filter((f): f is string => f !== undefined);
  if (fields.length === 0) throw invalid(at, `${at} has no column to take a record id from (every column starts with _)`);
  const values = fields.map((field) => {
    const value = Object.hasOwn(row, field) ? cellText(row[field])?.trim() : undefined;
    if (!value) throw invalid(`${at}.${field}`, `${at} has no value for the key field ${field}`);
    return value;
  });
  const id = values.length === 1 ? values[0] : values.map(escapeKeyValue).join(KEY_SEPARATOR);
  const problem = recordIdProblem(id);
  if (problem) throw invalid(`${at}.${fields.join(',')}`, `${at}: the record ${problem}`);
  return id;
}

/** Rows mapped between two yields to the event loop. */
const ROWS_PER_TURN = 5000;

/**
 * Turns one table's rows into a change set. Rows pair by record id, never by position:
 * Deleted + Inserted → update; Deleted only → delete; Inserted only → upsert; an Inserted row
 * whose `_del` is set → delete. One change per record (a later row of the same id wins).
 * A generator that yields every few thousand rows (see {@link toChangeSetInTurns}).
 */
export function* changeSetSteps(rows: TableRows, keyFields: string[] | null, timeStamp: bigint | null): Generator<void, ChangeInput[]> {
  const inserted = new Map<string, LocatedRow>();
  const deleted = new Map<string, LocatedRow>();
  let done = 0;
  for (const [side, target] of [
    [rows.inserted, inserted],
    [rows.deleted, deleted],
  ] as const) {
    for (const located of side) {
      if (++done % ROWS_PER_TURN === 0) yield;
      target.set(recordIdOf(located, keyFields), located);
    }
  }

  const changes: ChangeInput[] = [];
  for (const [id, { row, text }] of inserted) {
    if (isDeletedFlag(row._del)) changes.push({ id, op: 'delete', data: row, dataText: text, sourceTs: timeStamp });
    else changes.push({ id, op: deleted.has(id) ? 'update' : 'upsert', data: row, dataText: text, sourceTs: timeStamp });
  }
  for (const [id, { row, text }] of deleted) {
    if (!inserted.has(id)) changes.push({ id, op: 'delete', data: row, dataText: text, sourceTs: timeStamp });
  }
  return changes;
}

/** {@link changeSetSteps} at once (small sets, tests). */
export function toChangeSet(rows: TableRows, keyFields: string[] | null, timeStamp: bigint | null): ChangeInput[] {
  return runSync(changeSetSteps(rows, keyFields, timeStamp));
}

/** {@link changeSetSteps}, giving the event loop its turn every few thousand rows. */
export function toChangeSetInTurns(rows: TableRows, keyFields: string[] | null, timeStamp: bigint | null): Promise<ChangeInput[]> {
  return runInTurns(changeSetSteps(rows, keyFields, timeStamp));
}

/** `?key=A,B`: 1–8 distinct column names, none of them a built-in property name (`toString`, `__proto__`). */
export function parseKeyParam(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const fields = value.split(',').map((field) => field.trim());
  const problem = keyFieldsProblem(fields);
  if (problem) throw invalid('key', `key ${problem}; give 1–8 distinct comma-separated column names, e.g. ?key=CompanyID,CustomerID`);
  return fields;
}
