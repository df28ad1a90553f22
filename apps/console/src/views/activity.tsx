import { api } from '../api/endpoints';
import type { Delivery } from '../api/types';
import { Empty, ErrorAlert, Loading } from '../components/common';
import { BarChart } from '../components/bar-chart';
import { countPerMinute, meanPerMinute, MINUTE } from '../lib/activity';
import { readBackwards } from '../lib/change-log';
import { useAsync } from '../lib/use-async';
import { useSession } from '../session';
import type { TableProps } from './table-props';

const HOUR = 60 * MINUTE;
/** At most this many pages of 1000 changes (10,000 changes) are read for the chart. */
const MAX_LOG_PAGES = 10;
/** At most this many pages of 1000 deliveries (the audit keeps 1000 per solution by default). */
const MAX_DELIVERY_PAGES = 3;

async function changesLastHour({ org, sol, table }: TableProps, now: number) {
  const { head } = await api.table(org, sol, table);
  const from = now - HOUR;
  const read = await readBackwards(
    (since, limit) => api.changes(org, sol, table, since, limit),
    head,
    MAX_LOG_PAGES,
    (page) => page.length > 0 && Date.parse(page[0].modifiedAt) < from,
  );
  const capped = read.before > 0 && !read.purged && (read.changes.length === 0 || Date.parse(read.changes[0].modifiedAt) >= from);
  return {
    counts: countPerMinute(
      read.changes.map((c) => c.modifiedAt),
      now,
    ),
    capped,
    read: read.changes.length,
  };
}

function concerns(delivery: Delivery, table: string): boolean {
  return delivery.table === table || (delivery.table === null && !!delivery.receipt?.tables && table in delivery.receipt.tables);
}

async function latencyLastHour({ org, sol, table }: TableProps, now: number) {
  const from = now - HOUR;
  const samples: { at: string; value: number }[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_DELIVERY_PAGES; page++) {
    const { items, nextCursor }: { items: Delivery[]; nextCursor: string | null } = await api.deliveries(org, sol, cursor, 1000);
    for (const d of items)
      if (concerns(d, table) && Date.parse(d.receivedAt) >= from) samples.push({ at: d.receivedAt, value: d.durationMs });
    cursor = nextCursor;
    if (!cursor || items.length === 0 || Date.parse(items[items.length - 1].receivedAt) < from) break;
  }
  return { means: meanPerMinute(samples, now), samples: samples.length };
}

export function ActivityTab(props: TableProps) {
  const { org, sol, table } = props;
  const { can } = useSession();
  const changes = useAsync(() => changesLastHour({ org, sol, table }, Date.now()), [org, sol, table]);
  const latency = useAsync(
    () => (can('org:admin') ? latencyLastHour({ org, sol, table }, Date.now()) : Promise.resolve(null)),
    [org, sol, table, can],
  );
  const total = changes.data?.counts.reduce((a, b) => a + b, 0) ?? 0;
  const peak = Math.max(0, ...(changes.data?.counts ?? []));
  const measured = latency.data?.means.filter((m): m is number => m !== null) ?? [];
  return (
    <>
      <div className="row">
        <p className="grow muted">The last hour, per minute.</p>
        <button
          type="button"
          onClick={() => {
            changes.reload();
            latency.reload();
          }}
        >
          Refresh
        </button>
      </div>
      <ErrorAlert error={changes.error} />
      {changes.loading && !changes.data ? (
        <Loading what="changes" />
      ) : (
        changes.data && (
          <>
            <BarChart
              label="Changes per minute"
              unit="changes"
              values={changes.data.counts}
              summary={`${total} changes in the last hour, at most ${peak} a minute.`}
            />
            {changes.data.capped && <p className="muted">Only the latest {changes.data.read} changes were read: the hour had more.</p>}
          </>
        )
      )}
      <ErrorAlert error={latency.error} />
      {latency.data === null ? (
        <Empty>Ingest latency comes from the delivery audit, which needs a token with the org:admin scope.</Empty>
      ) : latency.loading && !latency.data ? (
        <Loading what="deliveries" />
      ) : (
        latency.data && (
          <BarChart
            label="Ingest latency"
            unit="ms"
            values={latency.data.means}
            summary={
              measured.length
                ? `${latency.data.samples} notifications for this table, mean per minute up to ${Math.max(...measured)} ms.`
                : 'No notification for this table in the last hour.'
            }
          />
        )
      )}
    </>
  );
}
