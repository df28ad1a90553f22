import { Injectable, PipeTransform } from '@nestjs/common';
import { NotFoundError } from './errors/domain.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in paths are UUIDs; anything else names no resource, so it is a 404 (never a database error). */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) throw new NotFoundError('No such resource.');
    return value.toLowerCase();
  }
}
