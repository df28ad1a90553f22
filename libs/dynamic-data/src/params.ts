import { Injectable, PipeTransform } from '@nestjs/common';
import { BadRequestError } from '@tablecast/common';
import { TABLE_NAME } from './table-name';

const MAX_RECORD_ID = 1024;

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
    if (value.length === 0 || value.length > MAX_RECORD_ID || value.includes('\u0000')) {
      throw new BadRequestError('record id is invalid', [{ field: 'id', message: `id must be 1–${MAX_RECORD_ID} characters without NUL` }]);
    }
    return value;
  }
}
