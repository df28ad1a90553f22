import { HttpClient, waitFor } from '@tablecast/testing';
import { createSession, Session } from './support/session';
import { bootTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';

/** GET /v2.0/tool/whoami: who the presented token is (an addition beyond the contract, for the web console). */
describe('GET /v2.0/tool/whoami', () => {
  let t: TestApp;
  let s: Session;

  beforeAll(async () => {
    t = await bootTestApp();
    s = await createSession(t, 'Whoami');
  });
  afterAll(() => t?.close());

  const tokenOf = async (body: Record<string, unknown>) => {
    const created = await s.http.post(`/tool/organizations/${s.org.id}/tokens`, body);
    expect(created.status).toBe(201);
    return created.body as { id: string; token: string; expiresAt: string | null };
  };

  it('names the operator: no organization, every scope, no name, no expiry', async () => {
    const res = await new HttpClient(t.api, TEST_ADMIN_TOKEN).get('/tool/whoami');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      kind: 'operator',
      organizationId: null,
      scopes: ['cdc:push', 'data:read', 'data:write', 'org:admin'],
      name: null,
      expiresAt: null,
    });
  });

  it('names a personal access token: its organization, scopes, name and expiry, whatever its scopes', async () => {
    const reader = await tokenOf({ name: 'phone', scopes: ['data:read'], expiresAt: '2099-01-01T00:00:00Z' });
    const res = await s.http.withToken(reader.token).get('/tool/whoami');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      kind: 'pat',
      organizationId: s.org.id,
      scopes: ['data:read'],
      name: 'phone',
      expiresAt: '2099-01-01T00:00:00.000Z',
    });

    const pusher = await tokenOf({ name: 'acumatica', scopes: ['cdc:push'] });
    expect((await s.http.withToken(pusher.token).get('/tool/whoami')).body).toMatchObject({ scopes: ['cdc:push'], expiresAt: null });
  });

  it('lists the scopes org:admin implies, so that a client can test each one', async () => {
    const admin = await tokenOf({ name: 'admin only', scopes: ['org:admin'] });
    const res = await s.http.withToken(admin.token).get('/tool/whoami');
    expect(res.body).toMatchObject({ kind: 'pat', name: 'admin only', scopes: ['cdc:push', 'data:read', 'data:write', 'org:admin'] });
  });

  it('answers 401 problem+json without a token, with an unknown one, a revoked one and an expired one', async () => {
    const anonymous = await new HttpClient(t.api).get('/tool/whoami');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    expect((await new HttpClient(t.api, 'tcp_not-a-real-token').get('/tool/whoami')).status).toBe(401);

    const revoked = await tokenOf({ name: 'to revoke' });
    expect((await s.http.withToken(revoked.token).get('/tool/whoami')).status).toBe(200);
    expect((await s.http.delete(`/tool/organizations/${s.org.id}/tokens/${revoked.id}`)).status).toBe(204);
    const afterRevoke = await s.http.withToken(revoked.token).get('/tool/whoami');
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.body).toMatchObject({ status: 401 });

    const expiring = await tokenOf({ name: 'short-lived', expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await s.http.withToken(expiring.token).get('/tool/whoami')).body).toMatchObject({
      name: 'short-lived',
      expiresAt: expiring.expiresAt,
    });
    await waitFor(() => Date.now() > Date.parse(expiring.expiresAt!), { what: 'the token to expire' });
    expect((await s.http.withToken(expiring.token).get('/tool/whoami')).status).toBe(401);
  });
});
