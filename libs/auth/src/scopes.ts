export const SCOPES = ['cdc:push', 'data:read', 'data:write', 'org:admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: the operator, or a personal access token of one organization. */
export type Principal =
  | { kind: 'operator' }
  | { kind: 'pat'; tokenId: string; organizationId: string; name: string; scopes: Scope[]; expiresAt: Date | null };

/** `org:admin` implies the other three; the operator may do everything. */
export function hasScope(principal: Principal, scope: Scope): boolean {
  if (principal.kind === 'operator') return true;
  return principal.scopes.includes(scope) || principal.scopes.includes('org:admin');
}

/** True when the principal may act on the organization (the operator on all of them). UUIDs compare case-insensitively. */
export function belongsTo(principal: Principal, organizationId: string): boolean {
  return principal.kind === 'operator' || principal.organizationId === organizationId.toLowerCase();
}
