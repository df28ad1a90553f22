import { belongsTo, hasScope, Principal, Scope } from './scopes';

const pat = (scopes: Scope[]): Principal => ({
  kind: 'pat',
  tokenId: 't',
  organizationId: 'org-a',
  name: 'phone',
  scopes,
  expiresAt: null,
});

describe('scopes', () => {
  it('grants exactly the scopes a token carries', () => {
    expect(hasScope(pat(['data:read']), 'data:read')).toBe(true);
    expect(hasScope(pat(['data:read']), 'data:write')).toBe(false);
    expect(hasScope(pat(['cdc:push']), 'data:read')).toBe(false);
  });

  it('lets org:admin imply the other three, and the operator everything', () => {
    for (const scope of ['cdc:push', 'data:read', 'data:write'] as const) {
      expect(hasScope(pat(['org:admin']), scope)).toBe(true);
      expect(hasScope({ kind: 'operator' }, scope)).toBe(true);
    }
  });

  it('confines a token to its own organization', () => {
    expect(belongsTo(pat(['org:admin']), 'org-a')).toBe(true);
    expect(belongsTo(pat(['org:admin']), 'org-b')).toBe(false);
    expect(belongsTo({ kind: 'operator' }, 'org-b')).toBe(true);
  });
});
