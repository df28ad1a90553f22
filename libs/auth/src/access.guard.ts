import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, IS_PUBLIC, UnauthorizedError } from '@tablecast/common';
import { Request } from 'express';
import { AccessRequirement, REQUIRED_ACCESS } from './access.decorators';
import { BearerAuthenticator, bearerToken } from './bearer-authenticator';
import { belongsTo, hasScope, Principal } from './scopes';

/**
 * The global guard: deny by default. Public routes pass; every other route needs a valid bearer
 * token in the Authorization header (never the query string), belonging to the route's
 * organization, with the route's scopes. A valid token always passes; only failed authentications
 * are throttled (429).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly bearer: BearerAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // sockets authenticate in their handshake middleware
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    // Only the Authorization header counts: a token in the query string, a cookie or the body is never read.
    const principal = await this.bearer.authenticate(bearerToken(request.headers.authorization), request);
    if (!principal) {
      throw new UnauthorizedError(
        request.headers.authorization ? undefined : 'Send the token in the Authorization header: "Authorization: Bearer <token>".',
      );
    }
    request.user = principal;
    authorize(principal, this.reflector.getAllAndOverride<AccessRequirement | undefined>(REQUIRED_ACCESS, targets), request.params);
    return true;
  }
}

export function authorize(principal: Principal, requirement: AccessRequirement | undefined, params: Record<string, unknown>): void {
  if (!requirement) throw new ForbiddenError('This route is not available to tokens.');
  if (principal.kind === 'operator') return;
  if (requirement.operatorOnly) throw new ForbiddenError('Only the operator token may do this.');
  const organizationId = params.organizationId;
  if (organizationId !== undefined && !belongsTo(principal, String(organizationId))) {
    throw new ForbiddenError('This token belongs to another organization.');
  }
  const missing = requirement.scopes.filter((scope) => !hasScope(principal, scope));
  if (missing.length) throw new ForbiddenError(`This token lacks the scope ${missing.join(', ')}.`);
}
