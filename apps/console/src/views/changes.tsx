import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/endpoints';
import type { Change } from '../api/types';
import { ErrorAlert, formatTime } from '../components/common';
import { mergeFeed } from '../lib/feed';
import { useThrottle } from '../lib/use-throttle';
import { useLiveTable } from '../live';
import type { TableProps } from './table-props';

const RECENT = 50;

/** The table's change feed: the last changes from the log, then every new one live through the SDK. */
export function ChangesTab({ org, sol, table, refreshTable }: TableProps) {
  const [feed, setFeed] = useState<Change[]>([]);
  const [error, setError] = useState<unknown>(null);
  const refreshCount = useThrottle(() => refreshTable?.(), 1000);
  const onChange = useCallback(
    (changes: Change[]) => {
      setFeed((f) => mergeFeed(f, changes));
      refreshCount();
    },
    [refreshCount],
  );
  const status = useLiveTable({ organizationId: org, solutionId: sol, table }, onChange);

  useEffect(() => {
    let current = true;
    api
      .table(org, sol, table)
      .then((t) => (t.head > 0 ? api.changes(org, sol, table, Math.max(0, t.head - RECENT), RECENT) : { items: [], head: 0 }))
      .then(
        (page) => current && page.items && setFeed((f) => mergeFeed(f, page.items)),
        (failure: unknown) => current && setError(failure),
      );
    return () => {
      current = false;
    };
  }, [org, sol, table]);

  return (
    <>
      <p>
        <span id="feed-status-label">Feed status</span>:{' '}
        <strong aria-labelledby="feed-status-label" role="status" className={`status-${status}`}>
          {status}
        </strong>
      </p>
      <ErrorAlert error={error} />
      <ol role="log" aria-label="Live changes" aria-live="polite" className="feed">
        {feed.map((c) => (
          <li key={c.seq}>
            <span className="mono">
              #{c.seq} {c.op} {c.id}
            </span>{' '}
            <span className="muted">{formatTime(c.modifiedAt)}</span>
          </li>
        ))}
      </ol>
      {feed.length === 0 && (
        <p className="empty">No changes yet: they appear here as soon as a notification, a reload or a REST write changes this table.</p>
      )}
    </>
  );
}
