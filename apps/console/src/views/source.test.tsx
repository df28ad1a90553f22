import { act, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Reload } from '../api/types';
import { LiveProvider } from '../live';
import { SessionProvider, TOKEN_KEY } from '../session';
import { fakeLiveTable, OPERATOR, problem, stubFetch } from '../test/helpers';
import { SourceTab } from './source';

const TABLE = '/v2.0/tool/organizations/o/solutions/s/tables/Customers';

afterEach(() => vi.useRealTimers());

describe('Source & reloads', () => {
  it('polls every second while a reload runs, then stops with the bar full', async () => {
    vi.useFakeTimers();
    const reload: Reload = {
      id: 'r1',
      mode: 'full',
      status: 'running',
      createdAt: '',
      startedAt: '',
      finishedAt: null,
      progress: { pages: 1, rowsRead: 1000 },
      result: null,
      error: null,
    };
    let reads = 0;
    stubFetch((url) => {
      if (url.pathname === '/v2.0/tool/whoami') return { body: OPERATOR };
      if (url.pathname === `${TABLE}/source`) return problem(404, 'No source');
      if (url.pathname.endsWith('/acumatica/connections')) return { body: { items: [], nextCursor: null } };
      if (url.pathname === `${TABLE}/reloads`) {
        reads++;
        const item =
          reads < 3
            ? { ...reload, progress: { pages: reads, rowsRead: reads * 1000 } }
            : {
                ...reload,
                status: 'succeeded',
                progress: { pages: 3, rowsRead: 2500 },
                result: { inserted: 2500, updated: 0, deleted: 0, unchanged: 0, skippedNewer: 0 },
              };
        return { body: { items: [item], nextCursor: null } };
      }
    });
    sessionStorage.setItem(TOKEN_KEY, 't');
    render(
      <MemoryRouter>
        <SessionProvider>
          <LiveProvider open={() => fakeLiveTable().table}>
            <SourceTab org="o" sol="s" table="Customers" />
          </LiveProvider>
        </SessionProvider>
      </MemoryRouter>,
    );
    await act(() => vi.advanceTimersByTimeAsync(0));
    const table = screen.getByRole('table', { name: 'Reloads' });
    expect(within(table).getByRole('cell', { name: 'running' })).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Reload progress' }).getAttribute('aria-valuetext')).toBe('1000 rows read in 1 page');

    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(screen.getByRole('progressbar', { name: 'Reload progress' }).getAttribute('aria-valuetext')).toBe('2000 rows read in 2 pages');

    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(within(table).getByRole('cell', { name: 'succeeded' })).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Reload progress' }).getAttribute('aria-valuenow')).toBe('100');
    expect(screen.getByText('No source yet: tie this table to a Generic Inquiry read over OData.')).toBeTruthy();

    await act(() => vi.advanceTimersByTimeAsync(5000));
    expect(reads).toBe(3);
  });
});
