import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { Webhook } from '../api/types';
import { OPERATOR, renderSignedIn, stubFetch } from '../test/helpers';
import { WebhookPage } from './webhook';

const HOOK = '/v2.0/tool/organizations/o/solutions/s/webhooks/h';

describe('webhook page', () => {
  it('re-enables a disabled webhook with PATCH {enabled: true}', async () => {
    let hook: Webhook = {
      id: 'h',
      url: 'https://example.com/hook',
      tables: null,
      description: '',
      enabled: false,
      disabledReason: 'the receiver answered 410 Gone',
      createdAt: '',
      cursors: [],
    };
    const calls = stubFetch((url, init) => {
      if (url.pathname === '/v2.0/tool/whoami') return { body: OPERATOR };
      if (url.pathname === HOOK && init.method === 'PATCH') {
        hook = { ...hook, ...JSON.parse(String(init.body)), disabledReason: null };
        return { body: hook };
      }
      if (url.pathname === HOOK) return { body: hook };
      if (url.pathname === `${HOOK}/attempts`) return { body: { items: [], nextCursor: null } };
      if (url.pathname.startsWith('/v2.0/tool/organizations/o')) return { body: { id: 'o', name: 'Acme', cdcUrl: '' } };
    });
    renderSignedIn(
      <Routes>
        <Route path="/orgs/:org/solutions/:sol/webhooks/:hook" element={<WebhookPage />} />
      </Routes>,
      { path: '/orgs/o/solutions/s/webhooks/h' },
    );
    expect(await screen.findByRole('heading', { name: 'https://example.com/hook' })).toBeTruthy();
    expect(screen.getByText(/Disabled: the receiver answered 410 Gone/)).toBeTruthy();
    expect(screen.getByText('No attempts yet: they appear when a table of this webhook changes.')).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'Re-enable' }));
    expect(await screen.findByText(/^Enabled/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Re-enable' })).toBeNull();
    const patch = calls.find((c) => c.init.method === 'PATCH')!;
    expect(JSON.parse(String(patch.init.body))).toEqual({ enabled: true });
  });
});
