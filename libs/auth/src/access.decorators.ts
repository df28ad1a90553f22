import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOperation, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Scope } from './scopes';

export const REQUIRED_ACCESS = 'tablecast:access';

/** What a route asks of its caller. Routes without it (and not @Public) are refused. */
export type AccessRequirement = { operatorOnly: true } | { operatorOnly: false; scopes: Scope[] };

function documented(summary: string, requirement: AccessRequirement): MethodDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_ACCESS, requirement),
    ApiBearerAuth(),
    ApiOperation({ summary }),
    ApiUnauthorizedResponse({ description: 'No or invalid credentials' }),
    ApiForbiddenResponse({ description: 'Token lacks the scope or belongs to another organization' }),
  );
}

/** Only the operator token (ADMIN_TOKEN). */
export const OperatorOnly = (summary: string): MethodDecorator => documented(`${summary} — operator token`, { operatorOnly: true });

/**
 * The operator, or a personal access token of the route's :organizationId carrying every listed
 * scope (none listed: any token of that organization).
 */
export const RequireScopes = (summary: string, ...scopes: Scope[]): MethodDecorator =>
  documented(`${summary} — ${scopes.length ? `scope ${scopes.join(', ')}` : 'operator or any token of the organization'}`, {
    operatorOnly: false,
    scopes,
  });
