import { focusOnMount } from '../components/focus';
import { useState } from 'react';
import { api } from '../api/endpoints';
import type { Delivery } from '../api/types';
import { formatTime } from '../components/common';
import { AsyncList, DataTable } from '../components/list';
import { Pager } from '../components/pager';
import { usePages } from '../lib/use-pages';

export function DeliveriesTab({ org, sol }: { org: string; sol: string }) {
  const deliveries = usePages((cursor) => api.deliveries(org, sol, cursor), [org, sol]);
  const [open, setOpen] = useState<Delivery | null>(null);
  return (
    <>
      <div className="row">
        <p className="muted grow">What Acumatica sent and what it was answered, newest first.</p>
        <button type="button" onClick={deliveries.reload}>
          Refresh
        </button>
      </div>
      <AsyncList
        state={deliveries}
        what="deliveries"
        empty="No deliveries yet: set up a push notification in Acumatica with the CDC URL above."
      >
        {(list) => (
          <DataTable label="Deliveries" headers={['Received', 'Status', 'Table', 'Rows', 'Duration', 'Duplicate', 'sr:Details']}>
            {list.map((d) => (
              <tr key={d.id} className={d.status >= 400 ? 'failed' : undefined}>
                <td>{formatTime(d.receivedAt)}</td>
                <td>{d.status}</td>
                <td>{d.table ?? tablesOf(d) ?? '—'}</td>
                <td>{d.rows}</td>
                <td>{d.durationMs} ms</td>
                <td>{d.duplicate ? 'yes' : 'no'}</td>
                <td>
                  <button type="button" aria-expanded={open?.id === d.id} onClick={() => setOpen(open?.id === d.id ? null : d)}>
                    Details
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </AsyncList>
      <Pager {...deliveries} />
      {open && <DeliveryDetails delivery={open} onClose={() => setOpen(null)} />}
    </>
  );
}

function tablesOf(delivery: Delivery): string | undefined {
  const tables = Object.keys(delivery.receipt?.tables ?? {});
  return tables.length ? tables.join(', ') : undefined;
}

/** A failure shows the stored problem's `detail` exactly as Acumatica saw it; a success, its receipt. */
export function DeliveryDetails({ delivery, onClose }: { delivery: Delivery; onClose: () => void }) {
  const receipt = delivery.receipt;
  return (
    <section ref={focusOnMount} tabIndex={-1} role="region" aria-label="Delivery details" className="card">
      <div className="row">
        <h3 className="grow">
          Delivery of {formatTime(delivery.receivedAt)}: {delivery.status}
        </h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <dl className="facts">
        <dt>Query</dt>
        <dd>{delivery.query ?? '—'}</dd>
        <dt>Company</dt>
        <dd>{delivery.companyId ?? '—'}</dd>
        <dt>Notification id</dt>
        <dd className="mono">{delivery.notificationId ?? '—'}</dd>
        <dt>TimeStamp</dt>
        <dd className="mono">{delivery.timeStamp ?? '—'}</dd>
      </dl>
      {delivery.error && (
        <>
          <h4>Problem</h4>
          <p className="problem">{delivery.error.detail ?? delivery.error.title ?? 'No detail was recorded.'}</p>
        </>
      )}
      {receipt && (
        <>
          <p>
            Inserted {receipt.inserted ?? 0}, updated {receipt.updated ?? 0}, deleted {receipt.deleted ?? 0}, unchanged{' '}
            {receipt.unchanged ?? 0}, stale {receipt.stale ?? 0}
            {receipt.duplicate ? ' (a duplicate: nothing changed)' : ''}.
          </p>
          <pre className="json">{JSON.stringify(receipt, null, 2)}</pre>
        </>
      )}
    </section>
  );
}
