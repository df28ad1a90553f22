import { Injectable, PipeTransform } from '@nestjs/common';
import { BadRequestError } from '@tablecast/common';
import { TABLE_NAME } from './table-name';

const MAX_RECORD_ID = 1024;
/** Ids are a primary-key column: a B-tree entry holds at most ~2,700 bytes, so ids are bounded in bytes too. */
const MAX_RECORD_ID_BYTES = 2048;

/** Why a record id is not acceptable, or undefined (REST path ids and ids derived from Acumatica keys alike). */
export function recordIdProblem(id: string): string | undefined {
  if (id.length === 0 || id.length > MAX_RECORD_ID || Buffer.byteLength(id, 'utf8') > MAX_RECORD_ID_BYTES || id.includes('\u0000')) {
    return `id must be 1–${MAX_RECORD_ID} characters (at most ${MAX_RECORD_ID_BYTES} bytes of UTF-8) without NUL`;
  }
  return undefined;
}

@Injectable()
export class TableNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!TABLE_NAME.test(value)) {
      throw new BadRequestError('table name is invalid', [{ field: 'table', message: 'table must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }]);
    }
    return value;
  }
}

@Injectable()
export class RecordIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    const problem = recordIdProblem(value);
    if (problem) throw new BadRequestError('record id is invalid', [{ field: 'id', message: problem }]);
    return value;
  }
}
