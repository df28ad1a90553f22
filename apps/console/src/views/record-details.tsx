import { focusOnMount } from '../components/focus';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/endpoints';
import type { Change, TableRecord } from '../api/types';
import { ErrorAlert, formatTime } from '../components/common';
import { readBackwards } from '../lib/change-log';
import { mergeFeed } from '../lib/feed';

/** Pages of 1000 changes searched per click: the log has no index by record id. */
const PAGES_PER_SEARCH = 5;

/** One record: its JSON and its history, found by reading the change log backwards from its latest change. */
export function RecordDetails({
  org,
  sol,
  table,
  record,
  onClose,
}: {
  org: string;
  sol: string;
  table: string;
  record: TableRecord;
  onClose: () => void;
}) {
  const [history, setHistory] = useState<Change[]>([]);
  // The history is searched from the record's latest change when it was opened; its JSON above stays live.
  const [latest] = useState(record.seq);
  const [before, setBefore] = useState(latest);
  const [purged, setPurged] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const search = useCallback(
    async (upTo: number) => {
      setBusy(true);
      setError(null);
      try {
        const read = await readBackwards((since, limit) => api.changes(org, sol, table, since, limit), upTo, PAGES_PER_SEARCH);
        setHistory((h) =>
          mergeFeed(
            h,
            read.changes.filter((c) => c.id === record.id),
            Infinity,
          ),
        );
        setBefore(read.before);
        setPurged(read.purged);
      } catch (failure) {
        setError(failure);
      } finally {
        setBusy(false);
      }
    },
    [org, sol, table, record.id],
  );
  useEffect(() => {
    void search(latest);
  }, [search, latest]);

  return (
    <section ref={focusOnMount} tabIndex={-1} role="region" aria-label={`Record ${record.id}`} className="card">
      <div className="row">
        <h3 className="grow mono">Record {record.id}</h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <pre className="json">{JSON.stringify(record, null, 2)}</pre>
      <h4>History</h4>
      <ErrorAlert error={error} />
      {history.length === 0 && !busy ? <p className="muted">No change of this record found in the part of the log read so far.</p> : null}
      <ol className="history">
        {history.map((c) => (
          <li key={c.seq}>
            <details>
              <summary>
                #{c.seq} {c.op} · {formatTime(c.modifiedAt)}
              </summary>
              <pre className="json">{JSON.stringify(c.data, null, 2)}</pre>
            </details>
          </li>
        ))}
      </ol>
      <p className="muted" aria-live="polite">
        {busy
          ? 'Reading the change log…'
          : purged
            ? `The log no longer reaches before #${before + 1} (older changes were purged).`
            : before > 0
              ? `Changes #${before + 1}–#${latest} searched.`
              : 'The whole log was searched.'}
      </p>
      {!busy && !purged && before > 0 && (
        <button type="button" onClick={() => search(before)}>
          Search older changes
        </button>
      )}
    </section>
  );
}
