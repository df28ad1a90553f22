import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { App } from '../App';
import { LiveProvider } from '../live';
import { SessionProvider, TOKEN_KEY } from '../session';
import { fakeLiveTable, OPERATOR, problem, stubFetch } from '../test/helpers';

function renderApp() {
  return render(
    <MemoryRouter>
      <SessionProvider>
        <LiveProvider open={() => fakeLiveTable().table}>
          <App />
        </LiveProvider>
      </SessionProvider>
    </MemoryRouter>,
  );
}

describe('sign-in', () => {
  it('keeps the token in sessionStorage only and shows who is signed in', async () => {
    const calls = stubFetch((url, init) => {
      const auth = new Headers(init.headers).get('Authorization');
      if (url.pathname === '/v2.0/tool/whoami')
        return auth === 'Bearer operator-token-of-32-characters!!' ? { body: OPERATOR } : problem(401, 'Invalid token');
      if (url.pathname === '/v2.0/tool/organizations')
        return { body: { items: [{ id: 'o1', name: 'Acme', region: 'us-east-1', createdAt: '' }], nextCursor: null } };
      if (url.pathname === '/v2.0/regions') return { body: { serving: 'us-east-1', items: [] } };
    });
    renderApp();
    await userEvent.type(screen.getByLabelText('Token'), 'operator-token-of-32-characters!!');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { name: 'Organizations' })).toBeTruthy();
    expect(await screen.findByRole('link', { name: 'Acme' })).toBeTruthy();
    expect(screen.getByText('Operator')).toBeTruthy();
    expect(sessionStorage.getItem(TOKEN_KEY)).toBe('operator-token-of-32-characters!!');
    expect(localStorage.length).toBe(0);
    expect(document.cookie).toBe('');
    expect(calls.every((c) => !c.url.search.includes('operator-token'))).toBe(true);

    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
    expect(screen.getByLabelText('Token')).toBeTruthy();
  });

  it('shows the refusal in an alert and stores nothing', async () => {
    stubFetch(() => problem(401, 'The token is invalid, expired or revoked.'));
    renderApp();
    await userEvent.type(screen.getByLabelText('Token'), 'wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The token is invalid, expired or revoked.');
    expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
    expect(localStorage.length).toBe(0);
  });
});
