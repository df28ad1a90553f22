import { types } from 'pg';
import { parseExactJson } from '@tablecast/common';
import { ChangeRow } from './changes.repository';
import { RecordRow } from './records.repository';
import { TableRow } from './tables.repository';

/**
 * Record data is read exactly: jsonb holds numbers a double cannot (`1e400`, `1e-400`, 20-digit
 * integers), which pg's default JSON.parse would turn into null, 0 or rounded values. Such numbers
 * become ExactNumbers, which every answer (REST through res.json, sockets through the exact
 * parser) writes back as their digits. PostgreSQL writes numbers in plain decimal (1e400 comes back
 * as 1 followed by 400 zeros: the same number).
 */
types.setTypeParser(types.builtins.JSONB, parseExactJson);
types.setTypeParser(types.builtins.JSON, parseExactJson);

export interface TableView {
  name: string;
  keyFields: string[] | null;
  rowCount: number;
  head: number;
  createdAt: string;
  updatedAt: string;
}

export interface RecordView {
  id: string;
  data: Record<string, unknown>;
  deleted: boolean;
  modifiedAt: string;
  seq: number;
}

export interface ChangeView {
  seq: number;
  op: 'insert' | 'update' | 'delete';
  id: string;
  data: Record<string, unknown> | null;
  modifiedAt: string;
}

export function toTableView(row: TableRow): TableView {
  return {
    name: row.name,
    keyFields: row.key_fields,
    rowCount: Number(row.row_count),
    head: Number(row.head),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toRecordView(row: RecordRow): RecordView {
  return { id: row.id, data: row.data, deleted: row.deleted, modifiedAt: row.modified_at.toISOString(), seq: Number(row.seq) };
}

export function toChangeView(row: ChangeRow): ChangeView {
  return { seq: Number(row.seq), op: row.op, id: row.record_id, data: row.data, modifiedAt: row.modified_at.toISOString() };
}
