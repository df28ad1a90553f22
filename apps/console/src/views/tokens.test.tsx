import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { OPERATOR, renderSignedIn, stubFetch } from '../test/helpers';
import { TokensSection } from './tokens';

const TOKENS = '/v2.0/tool/organizations/o/tokens';

describe('tokens', () => {
  it('creates a token with the chosen scopes, shows its secret once, and revokes after confirmation', async () => {
    const list = [
      {
        id: 't1',
        name: 'acumatica',
        prefix: 'tcp_ab',
        scopes: ['cdc:push'],
        expiresAt: null,
        revokedAt: null,
        lastUsedAt: null,
        createdAt: '',
      },
    ];
    const calls = stubFetch((url, init) => {
      if (url.pathname === '/v2.0/tool/whoami') return { body: OPERATOR };
      if (url.pathname === TOKENS && init.method === 'POST')
        return { status: 201, body: { ...list[0], id: 't2', name: 'app', token: 'tcp_secret_shown_once' } };
      if (url.pathname === TOKENS) return { body: { items: list, nextCursor: null } };
      if (url.pathname === `${TOKENS}/t1` && init.method === 'DELETE') return { status: 204 };
    });
    renderSignedIn(<TokensSection org="o" />);
    await screen.findByRole('table', { name: 'Tokens' });

    await userEvent.type(screen.getByLabelText('Token name'), 'app');
    await userEvent.click(screen.getByRole('checkbox', { name: 'data:write' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'org:admin' }));
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(((await screen.findByLabelText('New token')) as HTMLInputElement).value).toBe('tcp_secret_shown_once');
    const post = calls.find((c) => c.init.method === 'POST')!;
    expect(JSON.parse(String(post.init.body))).toEqual({ name: 'app', scopes: ['cdc:push', 'data:read'] });

    await userEvent.click(screen.getByRole('button', { name: 'Revoke acumatica' }));
    const dialog = screen.getByRole('dialog');
    expect(calls.some((c) => c.init.method === 'DELETE')).toBe(false);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke token' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.filter((c) => c.init.method === 'DELETE').map((c) => c.url.pathname)).toEqual([`${TOKENS}/t1`]);
  });
});
