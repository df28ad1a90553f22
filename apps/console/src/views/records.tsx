import { FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/endpoints';
import type { Change, TableRecord } from '../api/types';
import { formatTime } from '../components/common';
import { AsyncList, DataTable } from '../components/list';
import { Pager } from '../components/pager';
import { parseFilter } from '../lib/filter';
import { usePages } from '../lib/use-pages';
import { useThrottle } from '../lib/use-throttle';
import { useLiveTable } from '../live';
import { RecordDetails } from './record-details';
import type { TableProps } from './table-props';

/** Waits this long after a change before reading the page (and the table's count) again. */
const REFRESH_MS = 1000;

export function RecordsTab({ org, sol, table, refreshTable }: TableProps) {
  const [text, setText] = useState('');
  const [filter, setFilter] = useState<string | undefined>();
  const [filterError, setFilterError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const pages = usePages((cursor) => api.records(org, sol, table, { filter, cursor }), [org, sol, table, filter]);
  const [patched, setPatched] = useState<Map<string, Change>>(new Map());
  const visible = useRef(new Set<string>());
  visible.current = new Set(pages.items.map((r) => r.id));
  const { reload } = pages;

  useEffect(() => setPatched(new Map()), [pages.data]);
  const reloadPage = useThrottle(reload, REFRESH_MS);
  const refreshCount = useThrottle(() => refreshTable?.(), REFRESH_MS);

  // Live: a change to a record on this page shows at once; any other may add a row here, so the page is read again (at most once a second).
  const onChange = useCallback(
    (changes: Change[]) => {
      setPatched((p) => {
        const next = new Map(p);
        for (const c of changes) if (visible.current.has(c.id)) next.set(c.id, c);
        return next;
      });
      if (changes.some((c) => !visible.current.has(c.id))) reloadPage();
      refreshCount();
    },
    [reloadPage, refreshCount],
  );
  useLiveTable({ organizationId: org, solutionId: sol, table }, onChange);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseFilter(text);
    if (!parsed.ok) {
      setFilterError(parsed.error);
      return;
    }
    setFilterError(null);
    setFilter(parsed.filter);
  };

  const rows: TableRecord[] = pages.items.map((r) => {
    const change = patched.get(r.id);
    if (!change) return r;
    return { ...r, data: change.data ?? r.data, deleted: change.op === 'delete', seq: change.seq, modifiedAt: change.modifiedAt };
  });
  const openRecord = rows.find((r) => r.id === open);

  return (
    <>
      <form onSubmit={apply} className="inline-form" aria-label="Filter records" noValidate>
        <div className="field grow">
          <label htmlFor="records-filter">Filter (JSON)</label>
          <input
            id="records-filter"
            className="mono"
            placeholder='{"Status": "Active"}'
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={filterError ? true : undefined}
            aria-describedby={filterError ? 'records-filter-error' : undefined}
          />
          {filterError && (
            <p id="records-filter-error" role="alert" className="field-error">
              {filterError}
            </p>
          )}
        </div>
        <button type="submit">Apply filter</button>
      </form>
      <AsyncList
        state={{ ...pages, items: rows }}
        what="records"
        empty={
          <>
            {filter
              ? 'No record matches this filter: change or clear it.'
              : 'No records yet: push a notification to the CDC URL, start a reload, or write one through the API.'}
          </>
        }
      >
        {(list) => (
          <DataTable label="Records" headers={['Id', 'Seq', 'Modified', 'Data']}>
            {list.map((r) => (
              <tr key={r.id} className={r.deleted ? 'deleted' : undefined}>
                <td>
                  <button
                    type="button"
                    className="link mono"
                    aria-expanded={open === r.id}
                    onClick={() => setOpen(open === r.id ? null : r.id)}
                  >
                    {r.id}
                  </button>
                  {r.deleted && <span className="muted"> (deleted)</span>}
                </td>
                <td>#{r.seq}</td>
                <td>{formatTime(r.modifiedAt)}</td>
                <td className="mono preview">{JSON.stringify(r.data)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </AsyncList>
      <Pager {...pages} always />
      {openRecord && (
        <RecordDetails key={openRecord.id} org={org} sol={sol} table={table} record={openRecord} onClose={() => setOpen(null)} />
      )}
    </>
  );
}
