import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { OPERATOR, renderSignedIn, stubFetch } from '../test/helpers';
import { DeliveriesTab } from './deliveries';

const DETAIL = 'Inserted[3] has no value for the key field "CustomerID" (table Customers)';

describe('deliveries audit', () => {
  it("shows a failed delivery's problem detail verbatim, and a success's receipt", async () => {
    stubFetch((url) => {
      if (url.pathname === '/v2.0/tool/whoami') return { body: OPERATOR };
      if (url.pathname === '/v2.0/tool/organizations/o/solutions/s/acumatica/deliveries')
        return {
          body: {
            items: [
              {
                id: '2',
                receivedAt: '2026-12-01T10:01:00Z',
                status: 400,
                duplicate: false,
                companyId: 'Co',
                query: 'GI',
                notificationId: 'n2',
                timeStamp: '638412345678901234',
                table: 'Customers',
                rows: 4,
                durationMs: 3,
                receipt: null,
                error: { type: 'about:blank', title: 'Bad Request', status: 400, detail: DETAIL },
              },
              {
                id: '1',
                receivedAt: '2026-12-01T10:00:00Z',
                status: 200,
                duplicate: false,
                companyId: 'Co',
                query: 'GI',
                notificationId: 'n1',
                timeStamp: null,
                table: 'Customers',
                rows: 2,
                durationMs: 12,
                receipt: {
                  duplicate: false,
                  inserted: 2,
                  updated: 0,
                  deleted: 0,
                  unchanged: 0,
                  stale: 0,
                  tables: { Customers: { head: 2 } },
                },
                error: null,
              },
            ],
            nextCursor: null,
          },
        };
    });
    renderSignedIn(<DeliveriesTab org="o" sol="s" />);
    const table = await screen.findByRole('table', { name: 'Deliveries' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[1].textContent)).toEqual(['400', '200']);

    await userEvent.click(within(rows[0]).getByRole('button', { name: 'Details' }));
    const details = screen.getByRole('region', { name: 'Delivery details' });
    expect(within(details).getByText(DETAIL).textContent).toBe(DETAIL);

    await userEvent.click(within(rows[1]).getByRole('button', { name: 'Details' }));
    const success = screen.getByRole('region', { name: 'Delivery details' });
    expect(success.textContent).toContain('Inserted 2, updated 0, deleted 0');
    expect(success.textContent).toContain('"Customers": {');
    expect(success.textContent).not.toContain(DETAIL);
  });
});
