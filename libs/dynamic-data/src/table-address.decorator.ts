import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { UuidParamPipe } from '@tablecast/common';
import type { Request } from 'express';
import { TableNamePipe } from './params';

/** The table a route under `…/organizations/:organizationId/solutions/:solutionId/tables/:table` names. */
export interface TableAddress {
  organizationId: string;
  solutionId: string;
  table: string;
}

const uuid = new UuidParamPipe();
const tableName = new TableNamePipe();

/**
 * `@TableAddress()`: the three path parameters, checked as `@Param(…, UuidParamPipe)` and
 * `@Param('table', TableNamePipe)` would check them, in that order (a malformed id is 404, a bad
 * table name 400), and documented as path parameters in OpenAPI.
 */
export const TableAddress = createParamDecorator(
  (_data: unknown, context: ExecutionContext): TableAddress => {
    const params = context.switchToHttp().getRequest<Request>().params as Record<string, string>;
    return {
      organizationId: uuid.transform(params.organizationId),
      solutionId: uuid.transform(params.solutionId),
      table: tableName.transform(params.table),
    };
  },
  [
    (target: object, key: string | symbol | undefined) => {
      if (key === undefined) return;
      const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
      ApiParam({ name: 'organizationId', type: String })(target, key, descriptor);
      ApiParam({ name: 'solutionId', type: String })(target, key, descriptor);
      ApiParam({ name: 'table', type: String, description: 'table name, ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' })(target, key, descriptor);
    },
  ],
);
