import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeLiveTable, OPERATOR, renderSignedIn, stubFetch } from '../test/helpers';
import { RecordsTab } from './records';

const PATH = '/v2.0/tool/organizations/o/solutions/s/tables/Customers/records';

function records(calls: ReturnType<typeof stubFetch>) {
  return calls.filter((c) => c.url.pathname === PATH);
}

function stub() {
  return stubFetch((url) => {
    if (url.pathname === '/v2.0/tool/whoami') return { body: OPERATOR };
    if (url.pathname === PATH) {
      const filter = url.searchParams.get('filter');
      const items = filter
        ? [{ id: 'C2', data: { Status: 'Active' }, deleted: false, modifiedAt: '2026-12-01T10:00:00Z', seq: 2 }]
        : [{ id: 'C1', data: { Status: 'Hold' }, deleted: false, modifiedAt: '2026-12-01T10:00:00Z', seq: 1 }];
      return { body: { items, nextCursor: null } };
    }
  });
}

describe('records filter', () => {
  it('refuses bad JSON inline, naming the field, without a request', async () => {
    const calls = stub();
    renderSignedIn(<RecordsTab org="o" sol="s" table="Customers" />);
    await screen.findByRole('button', { name: 'C1' });
    const before = records(calls).length;

    await userEvent.click(screen.getByLabelText('Filter (JSON)'));
    await userEvent.paste('{"Status": 1');
    await userEvent.click(screen.getByRole('button', { name: 'Apply filter' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/^Filter \(JSON\) is not valid JSON/);
    expect(screen.getByLabelText('Filter (JSON)').getAttribute('aria-invalid')).toBe('true');
    expect(records(calls).length).toBe(before);
  });

  it('refuses JSON that is not an object', async () => {
    const calls = stub();
    renderSignedIn(<RecordsTab org="o" sol="s" table="Customers" />);
    await screen.findByRole('button', { name: 'C1' });
    const before = records(calls).length;
    await userEvent.click(screen.getByLabelText('Filter (JSON)'));
    await userEvent.paste('["Active"]');
    await userEvent.click(screen.getByRole('button', { name: 'Apply filter' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Filter (JSON) must be a JSON object');
    expect(records(calls).length).toBe(before);
  });

  it('sends a good filter as URL-encoded JSON and shows the matching records', async () => {
    const calls = stub();
    renderSignedIn(<RecordsTab org="o" sol="s" table="Customers" />);
    await screen.findByRole('button', { name: 'C1' });
    await userEvent.click(screen.getByLabelText('Filter (JSON)'));
    await userEvent.paste('{"Status": "Active"}');
    await userEvent.click(screen.getByRole('button', { name: 'Apply filter' }));

    const table = screen.getByRole('table', { name: 'Records' });
    expect(await within(table).findByRole('button', { name: 'C2' })).toBeTruthy();
    const last = records(calls).at(-1)!;
    expect(last.url.searchParams.get('filter')).toBe('{"Status": "Active"}');
    expect(last.url.search).toContain('filter=%7B%22Status%22');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows a change of a record on the page as it arrives', async () => {
    stub();
    const live = fakeLiveTable();
    renderSignedIn(<RecordsTab org="o" sol="s" table="Customers" />, { open: () => live.table });
    await screen.findByRole('button', { name: 'C1' });
    live.emit([{ seq: 7, op: 'update', id: 'C1', data: { Status: 'Active', Name: 'Acme' }, modifiedAt: '2026-12-01T10:05:00Z' }]);
    expect(await screen.findByText('{"Status":"Active","Name":"Acme"}')).toBeTruthy();
    expect(screen.getByText('#7')).toBeTruthy();
  });

  it('pages with the cursor: Next page, then Previous page back to the first', async () => {
    const calls = stubFetch((url) => {
      if (url.pathname === '/v2.0/tool/whoami') return { body: OPERATOR };
      if (url.pathname === PATH) {
        const second = url.searchParams.get('cursor') === 'after-C1';
        const id = second ? 'C2' : 'C1';
        return {
          body: {
            items: [{ id, data: {}, deleted: false, modifiedAt: '2026-12-01T10:00:00Z', seq: 1 }],
            nextCursor: second ? null : 'after-C1',
          },
        };
      }
    });
    renderSignedIn(<RecordsTab org="o" sol="s" table="Customers" />);
    await screen.findByRole('button', { name: 'C1' });
    expect((screen.getByRole('button', { name: 'Previous page' }) as HTMLButtonElement).disabled).toBe(true);

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByRole('button', { name: 'C2' })).toBeTruthy();
    expect(records(calls).at(-1)!.url.searchParams.get('cursor')).toBe('after-C1');
    expect((screen.getByRole('button', { name: 'Next page' }) as HTMLButtonElement).disabled).toBe(true);

    await userEvent.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByRole('button', { name: 'C1' })).toBeTruthy();
    expect(records(calls).at(-1)!.url.searchParams.get('cursor')).toBeNull();
  });
});
