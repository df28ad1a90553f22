import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { Identity } from '../api/types';
import { renderSignedIn, stubFetch } from '../test/helpers';
import { OrganizationPage } from './organization';
import { SolutionPage } from './solution';

const ORG = '11111111-1111-4111-8111-111111111111';
const SOL = '22222222-2222-4222-8222-222222222222';

function api(identity: Identity) {
  return stubFetch((url) => {
    const p = url.pathname;
    if (p === '/v2.0/tool/whoami') return { body: identity };
    if (p === `/v2.0/tool/organizations/${ORG}`) return { body: { id: ORG, name: 'Acme', region: 'us-east-1', createdAt: '' } };
    if (p === `/v2.0/tool/organizations/${ORG}/solutions`)
      return { body: { items: [{ id: SOL, organizationId: ORG, name: 'ERP', cdcUrl: 'x', createdAt: '' }], nextCursor: null } };
    if (p === `/v2.0/tool/organizations/${ORG}/tokens`) return { body: { items: [], nextCursor: null } };
    if (p === `/v2.0/tool/organizations/${ORG}/solutions/${SOL}`)
      return { body: { id: SOL, organizationId: ORG, name: 'ERP', cdcUrl: 'http://h/v2.0/cdc?table=', createdAt: '' } };
    if (p === `/v2.0/tool/organizations/${ORG}/solutions/${SOL}/tables`) return { body: { items: [], nextCursor: null } };
  });
}

const reader: Identity = { kind: 'pat', organizationId: ORG, scopes: ['data:read'], name: 'dashboard', expiresAt: null };
const admin: Identity = {
  kind: 'pat',
  organizationId: ORG,
  scopes: ['cdc:push', 'data:read', 'data:write', 'org:admin'],
  name: 'admin',
  expiresAt: null,
};

function organization() {
  return (
    <Routes>
      <Route path="/orgs/:org" element={<OrganizationPage />} />
    </Routes>
  );
}

function solution() {
  return (
    <Routes>
      <Route path="/orgs/:org/solutions/:sol" element={<SolutionPage />} />
    </Routes>
  );
}

describe('scope-based hiding', () => {
  it('a data:read token sees solutions but no token or solution admin', async () => {
    api(reader);
    renderSignedIn(organization(), { path: `/orgs/${ORG}` });
    expect(await screen.findByRole('link', { name: 'ERP' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Solutions' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Tokens' })).toBeNull();
    expect(screen.queryByLabelText('Solution name')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Create token' })).toBeNull();
  });

  it('an org:admin token manages tokens and solutions', async () => {
    api(admin);
    renderSignedIn(organization(), { path: `/orgs/${ORG}` });
    expect(await screen.findByRole('heading', { name: 'Tokens' })).toBeTruthy();
    expect(screen.getByLabelText('Solution name')).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: 'org:admin' })).toBeTruthy();
  });

  it('a data:read token gets only the Tables tab and no table creation', async () => {
    api(reader);
    renderSignedIn(solution(), { path: `/orgs/${ORG}/solutions/${SOL}` });
    expect(await screen.findByText('No tables yet: push a notification to the CDC URL or create one.')).toBeTruthy();
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['Tables']);
    expect(screen.queryByLabelText('Table name')).toBeNull();
  });

  it('an org:admin token gets every solution tab', async () => {
    api(admin);
    renderSignedIn(solution(), { path: `/orgs/${ORG}/solutions/${SOL}` });
    expect((await screen.findByLabelText('CDC URL')).getAttribute('value')).toBe('http://h/v2.0/cdc?table=');
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['Tables', 'Deliveries', 'Connections', 'Webhooks']);
    expect(screen.getByLabelText('Table name')).toBeTruthy();
  });
});
