import { ApiProperty } from '@nestjs/swagger';
import { PageSchema } from '@tablecast/common';
import { ChangesPage } from '../changes.service';
import { TABLE_NAME } from '../table-name';
import { ChangeView, RecordView, TableView } from '../views';

// OpenAPI schemas of the answers; each mirrors its mapper in views.ts (implements keeps them in step).

const SEQ = 'Table sequence number: 1, 2, 3, … in commit order';

export class TableResponse implements TableView {
  @ApiProperty({ pattern: TABLE_NAME.source, example: 'Customers' })
  name: string;

  @ApiProperty({
    type: [String],
    nullable: true,
    example: ['CustomerID'],
    description: 'Columns whose values, joined in order, make a record id; null: the first column not starting with _',
  })
  keyFields: string[] | null;

  @ApiProperty({ type: 'integer', example: 1250, description: 'Live (not deleted) records' })
  rowCount: number;

  @ApiProperty({ type: 'integer', example: 4711, description: 'seq of the latest change (0: none yet)' })
  head: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class TablePage extends PageSchema(TableResponse) {}

const RECORD_DATA = {
  CustomerID: 'C000000101',
  CustomerName: 'Harbor Street Bakery',
  _tab: 'Customer',
  _del: false,
  _mod: '2025-03-20T09:22:24.573',
};

export class RecordResponse implements RecordView {
  @ApiProperty({ example: 'C000000101' })
  id: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: RECORD_DATA,
    description: 'The row as sent (Acumatica’s _tab, _del, _mod included)',
  })
  data: Record<string, unknown>;

  @ApiProperty({ description: 'true: a tombstone (listed only with includeDeleted=true)' })
  deleted: boolean;

  @ApiProperty({ format: 'date-time', description: 'Server UTC time of the commit of its latest change' })
  modifiedAt: string;

  @ApiProperty({ type: 'integer', example: 4711, description: `${SEQ}, of its latest change` })
  seq: number;
}

export class RecordPage extends PageSchema(RecordResponse) {}

export class ChangeResponse implements ChangeView {
  @ApiProperty({ type: 'integer', example: 4711, description: SEQ })
  seq: number;

  @ApiProperty({ enum: ['insert', 'update', 'delete'] })
  op: 'insert' | 'update' | 'delete';

  @ApiProperty({ example: 'C000000101', description: 'The record id' })
  id: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: RECORD_DATA,
    description: 'The record’s new data; null for a delete',
  })
  data: Record<string, unknown> | null;

  @ApiProperty({ format: 'date-time', description: 'Server UTC time of the commit' })
  modifiedAt: string;
}

export class ChangesResponse implements Extract<ChangesPage, { items: unknown }> {
  @ApiProperty({ type: [ChangeResponse], description: 'Changes with seq > since, in seq order (at most limit)' })
  items: ChangeView[];

  @ApiProperty({ type: 'integer', description: 'The table’s latest seq' })
  head: number;
}

export class ChangesResetResponse implements Extract<ChangesPage, { reset: true }> {
  @ApiProperty({ enum: [true], description: 'The log no longer reaches back to since: reload the table' })
  reset: true;

  @ApiProperty({ type: 'integer', description: 'The table’s latest seq: subscribe or read changes from here after reloading' })
  head: number;
}
