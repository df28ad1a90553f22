import React from 'react';
import TestRenderer, { act } from 'react-test-renderer';
import type { TablecastClient } from './client';
import { useTable } from './react';
import { TableRecord, TableSnapshot } from './types';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
const consoleError = console.error.bind(console);
beforeAll(() => jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => !String(args[0]).includes('react-test-renderer is deprecated') && consoleError(...args)));
afterAll(() => jest.restoreAllMocks());

const record = (id: string, seq: number): TableRecord => ({ id, data: { seq }, deleted: false, modifiedAt: '2026-01-01T00:00:00.000Z', seq });

/** Stands in for a client with one open table whose snapshot the test changes by hand. */
class FakeClient {
  current: TableSnapshot = { status: 'live', records: [record('a', 1)], lastSeq: 1 };
  readonly listeners = new Set<() => void>();
  opened = 0;
  closed = 0;

  snapshot(): TableSnapshot {
    return this.current;
  }
  table() {
    this.opened++;
    return {
      onUpdate: (listener: () => void) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
      close: async () => {
        this.closed++;
      },
    };
  }
  /** A change is applied: a new snapshot, listeners told. */
  change(records: TableRecord[]): void {
    this.current = { status: 'live', records, lastSeq: Math.max(...records.map((r) => r.seq)) };
    for (const listener of this.listeners) listener();
  }
}

const address = { organizationId: 'o', solutionId: 's', table: 'T' };

function Records({ client }: { client: FakeClient }) {
  const { status, records } = useTable(client as unknown as TablecastClient, address);
  return React.createElement('p', null, `${status}:${records.map((r) => `${r.id}@${r.seq}`).join(',')}`);
}

/** Changes the table after the render and before the passive effects (where subscribing happens). */
function ChangeBeforeSubscribe({ client }: { client: FakeClient }) {
  React.useLayoutEffect(() => {
    if (client.current.lastSeq === 1) client.change([record('a', 2), record('b', 3)]);
  }, [client]);
  return null;
}

describe('useTable', () => {
  it('never misses a change that lands between render and subscribe', async () => {
    const client = new FakeClient();
    let renderer!: TestRenderer.ReactTestRenderer;
    await act(async () => {
      renderer = TestRenderer.create(React.createElement(React.Fragment, null, React.createElement(Records, { client }), React.createElement(ChangeBeforeSubscribe, { client })));
    });
    expect(renderer.toJSON()).toMatchObject({ children: ['live:a@2,b@3'] });
    await act(async () => client.change([record('a', 2), record('b', 3), record('c', 4)]));
    expect(renderer.toJSON()).toMatchObject({ children: ['live:a@2,b@3,c@4'] });
    await act(async () => renderer.unmount());
    expect(client.listeners.size).toBe(0);
  });

  it('under StrictMode ends with one open handle, and closes it on unmount', async () => {
    const client = new FakeClient();
    let renderer!: TestRenderer.ReactTestRenderer;
    await act(async () => {
      renderer = TestRenderer.create(React.createElement(React.StrictMode, null, React.createElement(Records, { client })));
    });
    expect(client.opened - client.closed).toBe(1);
    expect(client.listeners.size).toBe(1);
    await act(async () => client.change([record('z', 9)]));
    expect(renderer.toJSON()).toMatchObject({ children: ['live:z@9'] });
    await act(async () => renderer.unmount());
    expect(client.opened - client.closed).toBe(0);
  });
});
