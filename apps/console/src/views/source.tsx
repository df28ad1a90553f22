import { FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../api/endpoints';
import { ApiError } from '../api/http';
import type { Connection, Source } from '../api/types';
import { ErrorAlert, Field, formatTime } from '../components/common';
import { AsyncList, DataTable } from '../components/list';
import { ACTIVE, ReloadProgress } from '../components/reload-progress';
import { useAction, useAsync } from '../lib/use-async';
import { useSession } from '../session';
import type { TableProps } from './table-props';
import { splitList } from '../lib/text';

const POLL_MS = 1000;

async function sourceOrNull(org: string, sol: string, table: string): Promise<Source | null> {
  try {
    return await api.source(org, sol, table);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function SourceTab({ org, sol, table, refreshTable }: TableProps) {
  const { can } = useSession();
  const source = useAsync(() => sourceOrNull(org, sol, table), [org, sol, table]);
  const connections = useAsync<Connection[]>(
    async () => (can('org:admin') ? (await api.connections(org, sol)).items : []),
    [org, sol, can],
  );
  const reloads = useAsync(() => api.reloads(org, sol, table), [org, sol, table]);
  const action = useAction();
  const [form, setForm] = useState({ connectionId: '', genericInquiry: '', keyFields: '', everyMinutes: '' });
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    const s = source.data;
    if (s)
      setForm({
        connectionId: s.connectionId,
        genericInquiry: s.genericInquiry,
        keyFields: s.keyFields?.join(', ') ?? '',
        everyMinutes: s.everyMinutes?.toString() ?? '',
      });
  }, [source.data]);
  useEffect(() => {
    if (!form.connectionId && connections.data?.length) setForm((f) => ({ ...f, connectionId: connections.data![0].id }));
  }, [connections.data, form.connectionId]);

  // Progress refreshes every second while a reload is queued or running.
  const items = reloads.data?.items ?? [];
  const active = items.some((r) => ACTIVE.includes(r.status));
  const { reload: refreshReloads } = reloads;
  // A reload that just ended changed the row count and head shown above.
  const wasActive = useRef(false);
  useEffect(() => {
    if (wasActive.current && !active) refreshTable?.();
    wasActive.current = active;
  }, [active, refreshTable]);
  useEffect(() => {
    if (!active || reloads.loading) return;
    const timer = setTimeout(refreshReloads, POLL_MS);
    return () => clearTimeout(timer);
  }, [active, reloads.loading, reloads.data, refreshReloads]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const keyFields = splitList(form.keyFields);
    const body = {
      connectionId: form.connectionId,
      genericInquiry: form.genericInquiry,
      keyFields: keyFields.length ? keyFields : undefined,
      everyMinutes: form.everyMinutes ? Number(form.everyMinutes) : undefined,
    };
    const answer = await action.run(() => api.saveSource(org, sol, table, body));
    if (answer) {
      source.setData(answer);
      setSaved(true);
      refreshTable?.();
    }
  };
  const start = async (mode: 'full' | 'compare') => {
    if (await action.run(() => api.startReload(org, sol, table, mode))) refreshReloads();
  };

  const options = connections.data ?? [];
  const knownConnection = options.some((c) => c.id === form.connectionId);
  const writable = can('data:write');
  return (
    <>
      <h2>Source</h2>
      <ErrorAlert error={source.error} />
      <ErrorAlert error={connections.error} />
      {source.data === null && <p className="muted">No source yet: tie this table to a Generic Inquiry read over OData.</p>}
      {source.data?.nextRunAt && <p className="muted">Next scheduled compare: {formatTime(source.data.nextRunAt)}</p>}
      {writable && (
        <form onSubmit={save} className="grid-form" aria-label="Table source">
          <Field
            label="Connection"
            hint={options.length === 0 ? 'Create a connection on the solution\u2019s Connections tab first.' : undefined}
          >
            {(id) => (
              <select id={id} required value={form.connectionId} onChange={(e) => setForm({ ...form, connectionId: e.target.value })}>
                {!knownConnection && <option value={form.connectionId}>{form.connectionId || 'Choose a connection'}</option>}
                {options.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Generic Inquiry">
            {(id) => (
              <input id={id} required value={form.genericInquiry} onChange={(e) => setForm({ ...form, genericInquiry: e.target.value })} />
            )}
          </Field>
          <Field label="Key fields" hint="Comma-separated; needed when the table has none yet.">
            {(id) => <input id={id} value={form.keyFields} onChange={(e) => setForm({ ...form, keyFields: e.target.value })} />}
          </Field>
          <Field label="Every minutes" hint="Optional, at least 5: a compare reload on that interval.">
            {(id) => (
              <input
                id={id}
                type="number"
                min={5}
                value={form.everyMinutes}
                onChange={(e) => setForm({ ...form, everyMinutes: e.target.value })}
              />
            )}
          </Field>
          <button type="submit" disabled={action.busy}>
            Save source
          </button>
          <p aria-live="polite">{saved ? 'Source saved.' : ''}</p>
        </form>
      )}
      <h2>Reloads</h2>
      {writable && (
        <div className="row">
          <button type="button" onClick={() => start('full')} disabled={action.busy}>
            Start full reload
          </button>
          <button type="button" onClick={() => start('compare')} disabled={action.busy}>
            Start compare reload
          </button>
        </div>
      )}
      <ErrorAlert error={action.error} />
      <AsyncList
        state={{ ...reloads, items: items }}
        what="reloads"
        empty="No reloads yet: save a source, then start a full reload to load the table."
      >
        {(list) => (
          <DataTable label="Reloads" headers={['Created', 'Mode', 'Status', 'Progress', 'Pages', 'Rows read', 'Result', 'Error']}>
            {list.map((r) => (
              <tr key={r.id}>
                <td>{formatTime(r.createdAt)}</td>
                <td>{r.mode}</td>
                <td>{r.status}</td>
                <td>
                  <ReloadProgress reload={r} />
                </td>
                <td>{r.progress.pages}</td>
                <td>{r.progress.rowsRead}</td>
                <td>
                  {r.result
                    ? `inserted ${r.result.inserted}, updated ${r.result.updated}, deleted ${r.result.deleted}, unchanged ${r.result.unchanged}, skipped newer ${r.result.skippedNewer}`
                    : '—'}
                </td>
                <td>{r.error ? r.error.message : ''}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </AsyncList>
    </>
  );
}
