import { TablecastClient } from '@tablecast/client';
import { useTable } from '@tablecast/client/react';
import { TableFeedService } from '@tablecast/realtime';
import { waitFor } from '@tablecast/testing';
import React from 'react';
import TestRenderer from 'react-test-renderer';
import { notification, pushCdc } from '../support/acumatica';
import { createSession, Session } from '../support/session';
import { TestApp } from '../support/test-app';
import { bootApp, ClientTestApp, countingFetch, putRecords } from './support';

// Rendering as an app does (not inside act()): updates arrive from the socket whenever they come.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
const consoleError = console.error.bind(console);
beforeAll(() => jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => !String(args[0]).includes('react-test-renderer is deprecated') && consoleError(...args)));
afterAll(() => jest.restoreAllMocks());

function Customers({ client, address }: { client: TablecastClient; address: { organizationId: string; solutionId: string; table: string } }) {
  const { status, records } = useTable(client, address);
  return React.createElement(
    'ul',
    { title: status },
    records.map((r) => React.createElement('li', { key: r.id }, `${r.id}=${String(r.data.Name)}`)),
  );
}

describe('useTable (@tablecast/client/react) against the real app, under StrictMode', () => {
  let t: ClientTestApp;
  let s: Session;

  beforeAll(async () => {
    t = await bootApp();
    s = await createSession(t as unknown as TestApp, 'React');
  });
  afterAll(async () => {
    await t?.close();
    await t?.database.drop();
  });

  it('renders the snapshot, then every live change; one load and one subscription despite double effects; unsubscribes on unmount', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ CustomerID: `C${String(i + 1).padStart(3, '0')}`, Name: `Customer ${i + 1}` }));
    expect((await pushCdc(s.http, s.solutionPath, notification({ inserted: rows }), '?table=Customers')).status).toBe(200);
    const { counts, fetch } = countingFetch();
    const client = new TablecastClient({ baseUrl: t.api, token: s.token, fetch });
    const address = { organizationId: s.org.id, solutionId: s.solution.id, table: 'Customers' };
    const feed = t.app.get(TableFeedService);
    const items = (renderer: TestRenderer.ReactTestRenderer) => {
      const list = renderer.toJSON() as TestRenderer.ReactTestRendererJSON;
      return { status: list.props.title as string, rows: (list.children ?? []).map((li) => ((li as TestRenderer.ReactTestRendererJSON).children ?? []).join('')) };
    };
    const renderer = TestRenderer.create(React.createElement(React.StrictMode, null, React.createElement(Customers, { client, address })));
    try {
      await waitFor(() => items(renderer).status === 'live' && items(renderer).rows.length === 30, { what: 'the snapshot rendered', timeoutMs: 15_000 });
      expect(items(renderer).rows[0]).toBe('C001=Customer 1');
      await putRecords(s.http, s, 'Customers', [
        ['C001', { CustomerID: 'C001', Name: 'Renamed' }],
        ['C031', { CustomerID: 'C031', Name: 'New' }],
      ]);
      await s.http.delete(`${s.solutionPath}/tables/Customers/records/C002`);
      await waitFor(() => items(renderer).rows.length === 30 && items(renderer).rows.at(-1) === 'C031=New', { what: 'the live changes rendered', timeoutMs: 15_000 });
      expect(items(renderer).rows[0]).toBe('C001=Renamed');
      expect(items(renderer).rows).not.toContain('C002=Customer 2');
      expect(counts.records).toBe(1); // StrictMode's mount → unmount → mount reused one copy
      expect(feed.count()).toBe(1);
      renderer.unmount();
      await waitFor(() => feed.count() === 0, { what: 'the subscription dropped after unmount' });
    } finally {
      await client.close();
    }
  });
});
