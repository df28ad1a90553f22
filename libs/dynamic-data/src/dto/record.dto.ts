import { ApiProperty, ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { Injectable, PipeTransform } from '@nestjs/common';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { BadRequestError, ListQueryDto } from '@tablecast/common';

/** Documentation only: the body is checked by PutRecordBodyPipe (see there why). */
export class PutRecordDto {
  @ApiProperty({ type: 'object', additionalProperties: true })
  data: Record<string, unknown>;
}

export interface PutRecordBody {
  data: Record<string, unknown>;
}

/**
 * Validates `{"data": {...}}` without class-transformer or the global ValidationPipe: both rebuild
 * or strip objects, dropping keys such as "__proto__" and "constructor" that are plain data here
 * (JSON.parse already made them own properties, so nothing is polluted).
 */
@Injectable()
export class PutRecordBodyPipe implements PipeTransform<unknown, PutRecordBody> {
  transform(body: unknown): PutRecordBody {
    if (!isPlainObject(body)) throw new BadRequestError('The body must be a JSON object {"data": {...}}.', [{ field: 'body', message: 'body must be an object' }]);
    const unknown = Object.keys(body).filter((key) => key !== 'data');
    if (unknown.length) {
      throw new BadRequestError(
        `Invalid request: ${unknown.map((key) => `property ${key} should not exist`).join('; ')}`,
        unknown.map((field) => ({ field, message: `property ${field} should not exist` })),
      );
    }
    if (!isPlainObject(body.data)) throw new BadRequestError('Invalid request: data must be a JSON object', [{ field: 'data', message: 'data must be a JSON object' }]);
    return { data: body.data };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const toBoolean = ({ value }: { value: unknown }): unknown => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value);

export class RecordQueryDto {
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'includeDeleted must be true or false' })
  includeDeleted: boolean = false;
}

export class RecordsQueryDto extends IntersectionType(ListQueryDto, RecordQueryDto) {
  @ApiPropertyOptional({ description: 'URL-encoded JSON object; records whose data contains it (JSONB @>)' })
  @IsOptional()
  @IsString()
  filter?: string;
}

export class ChangesQueryDto extends PickType(ListQueryDto, ['limit'] as const) {
  @ApiPropertyOptional({ default: 0, description: 'Return changes with seq greater than this' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  since: number = 0;
}
