import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeLiveTable, OPERATOR, renderSignedIn, stubFetch } from '../test/helpers';
import { ChangesTab } from './changes';

const change = (seq: number, op: string, id: string) => ({
  seq,
  op,
  id,
  data: op === 'delete' ? null : {},
  modifiedAt: '2026-12-01T10:00:00Z',
});

describe('live change feed', () => {
  it('lists the recent log then live changes, newest first, each once, with the feed status', async () => {
    stubFetch((url) => {
      if (url.pathname === '/v2.0/tool/whoami') return { body: OPERATOR };
      if (url.pathname === '/v2.0/tool/organizations/o/solutions/s/tables/Customers')
        return { body: { name: 'Customers', keyFields: null, rowCount: 2, head: 2, createdAt: '', updatedAt: '' } };
      if (url.pathname === '/v2.0/tool/organizations/o/solutions/s/tables/Customers/changes')
        return { body: { items: [change(1, 'insert', 'C1'), change(2, 'insert', 'C2')], head: 2 } };
    });
    const live = fakeLiveTable();
    renderSignedIn(<ChangesTab org="o" sol="s" table="Customers" />, { open: () => live.table });
    const log = await screen.findByRole('log', { name: 'Live changes' });
    await within(log).findByText('#2 insert C2');

    act(() => {
      live.setStatus('live');
      live.emit([change(2, 'insert', 'C2'), change(3, 'update', 'C1')]);
      live.emit([change(4, 'delete', 'C2')]);
    });
    const items = within(log)
      .getAllByRole('listitem')
      .map((li) => li.querySelector('.mono')!.textContent);
    expect(items).toEqual(['#4 delete C2', '#3 update C1', '#2 insert C2', '#1 insert C1']);
    expect(screen.getByLabelText('Feed status').textContent).toBe('live');

    act(() => live.setStatus('reconnecting'));
    expect(screen.getByLabelText('Feed status').textContent).toBe('reconnecting');
  });
});
