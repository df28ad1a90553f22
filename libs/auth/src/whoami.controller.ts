import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { RequireScopes } from './access.decorators';
import { hasScope, Principal, SCOPES } from './scopes';
import { WhoAmIResponse, WhoAmIView } from './whoami.response';

/** Who the presented token is, for a client (the web console) to decide what to show. */
@ApiTags('tokens')
@Controller('tool/whoami')
export class WhoAmIController {
  @Get()
  @RequireScopes('The calling token: its kind, organization, effective scopes, name and expiry')
  @ApiOkResponse({ type: WhoAmIResponse })
  whoami(@Req() request: Request & { user: Principal }): WhoAmIView {
    return describePrincipal(request.user);
  }
}

/** Scopes are the effective ones: `org:admin` lists the three it implies, the operator all four. */
export function describePrincipal(principal: Principal): WhoAmIView {
  const scopes = SCOPES.filter((scope) => hasScope(principal, scope));
  if (principal.kind === 'operator') return { kind: 'operator', organizationId: null, scopes, name: null, expiresAt: null };
  return {
    kind: 'pat',
    organizationId: principal.organizationId,
    scopes,
    name: principal.name,
    expiresAt: principal.expiresAt?.toISOString() ?? null,
  };
}
