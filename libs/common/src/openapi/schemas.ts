import { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FieldError } from '../errors/domain.errors';
import { ProblemBody } from '../errors/problem';
import { Page } from '../pagination';

/** OpenAPI schema of a field error inside a problem (documentation only). */
export class ProblemFieldError implements FieldError {
  @ApiProperty({ example: 'since', description: 'The failing field, e.g. `name`, `keyFields[0]`, `Inserted[3].CustomerID`' })
  field: string;

  @ApiProperty({ example: 'since must be an integer number' })
  message: string;
}

/** OpenAPI schema of every error answer: `application/problem+json` (RFC 9457). */
export class ProblemDetails implements ProblemBody {
  [extra: string]: unknown;

  @ApiProperty({ example: 'https://tablecast.dev/problems/bad-request' })
  type: string;

  @ApiProperty({ example: 'Bad Request' })
  title: string;

  @ApiProperty({ type: 'integer', example: 400 })
  status: number;

  @ApiProperty({ example: 'Invalid request: since must be an integer number', description: 'What went wrong, naming the failing field' })
  detail: string;

  @ApiPropertyOptional({ type: [ProblemFieldError], description: 'One entry per failing field (validation errors)' })
  errors?: FieldError[];
}

/** `{items, nextCursor}` of a list, as its own named schema (e.g. `TablePage`). */
export function PageSchema<T>(item: Type<T>): Type<Page<T>> {
  class PageOfItems implements Page<T> {
    @ApiProperty({ type: [item] })
    items: T[];

    @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' })
    nextCursor: string | null;
  }
  return PageOfItems;
}
