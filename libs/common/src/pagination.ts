import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { BadRequestError } from './errors/domain.errors';
import { textProblem } from './http/storable-json';

export const MAX_PAGE_SIZE = 1000;

export class ListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = 100;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page’s nextCursor' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type CursorValue = string | number;
/**
 * What a cursor position holds: `string` (any text PostgreSQL can take), `number` (a safe
 * integer), `digits` (a non-negative bigint as a string, at most 18 digits: microseconds since
 * 1970 or an identity) or `uuid`.
 */
export type CursorKind = 'string' | 'number' | 'digits' | 'uuid';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isKind(value: unknown, kind: CursorKind): boolean {
  switch (kind) {
    case 'number':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'string':
      return typeof value === 'string' && textProblem(value) === undefined;
    case 'digits':
      return typeof value === 'string' && /^\d{1,18}$/.test(value);
    case 'uuid':
      return typeof value === 'string' && UUID.test(value);
  }
}

/** Cursors are the sort key of the last item seen, opaque to clients. */
export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor with the given shape; anything else (including values the query could not bind) is a 400. */
export function decodeCursor(cursor: string, shape: CursorKind[]): CursorValue[] {
  const invalid = new BadRequestError('cursor is invalid: pass the nextCursor of a previous page unchanged', [
    { field: 'cursor', message: 'cursor is invalid' },
  ]);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(values) || values.length !== shape.length) throw invalid;
  values.forEach((value, i) => {
    if (!isKind(value, shape[i])) throw invalid;
  });
  return values as CursorValue[];
}

/** Builds a page from `limit + 1` fetched rows: the extra row only says that there is more. */
export function toPage<Row, Item>(rows: Row[], limit: number, map: (row: Row) => Item, cursorOf: (row: Row) => CursorValue[]): Page<Item> {
  const items = rows.slice(0, limit);
  const more = rows.length > limit;
  return { items: items.map(map), nextCursor: more && items.length > 0 ? encodeCursor(cursorOf(items[items.length - 1])) : null };
}
