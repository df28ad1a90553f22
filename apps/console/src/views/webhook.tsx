import { FormEvent, useState } from 'react';
import { useParams } from 'react-router';
import { api } from '../api/endpoints';
import { ErrorAlert, Field, formatTime, SecretField } from '../components/common';
import { AsyncList, DataTable } from '../components/list';
import { Pager } from '../components/pager';
import { useAction, useAsync } from '../lib/use-async';
import { useNames } from '../lib/use-names';
import { usePages } from '../lib/use-pages';
import { Breadcrumbs } from './breadcrumbs';

export function WebhookPage() {
  const { org = '', sol = '', hook = '' } = useParams();
  const webhook = useAsync(() => api.webhook(org, sol, hook), [org, sol, hook]);
  const attempts = usePages((cursor) => api.attempts(org, sol, hook, cursor), [org, sol, hook]);
  const action = useAction();
  const [secret, setSecret] = useState<string | null>(null);
  const [replayTable, setReplayTable] = useState('');
  const [since, setSince] = useState('0');
  const [notice, setNotice] = useState('');
  const names = useNames(org, sol);
  const w = webhook.data;

  const enable = async () => {
    const updated = await action.run(() => api.enableWebhook(org, sol, hook));
    if (updated) webhook.setData(updated);
  };
  const rotate = async () => {
    const answer = await action.run(() => api.rotateSecret(org, sol, hook));
    if (answer) setSecret(answer.secret);
  };
  const replay = async (event: FormEvent) => {
    event.preventDefault();
    setNotice('');
    const done = await action.run(() => api.replay(org, sol, hook, { table: replayTable, since: Number(since) }));
    if (done !== undefined) setNotice(`Replay of ${replayTable} after #${since} queued.`);
  };

  return (
    <>
      <Breadcrumbs org={org} sol={sol} {...names} />
      <ErrorAlert error={webhook.error} />
      <h1 className="break">{w?.url ?? 'Webhook'}</h1>
      {w && (
        <>
          <p>
            {w.enabled ? 'Enabled' : `Disabled${w.disabledReason ? `: ${w.disabledReason}` : ''}`} ·{' '}
            {w.tables ? `tables ${w.tables.join(', ')}` : 'every table'}
            {w.description ? ` · ${w.description}` : ''}
          </p>
          <div className="row">
            {!w.enabled && (
              <button type="button" onClick={enable} disabled={action.busy}>
                Re-enable
              </button>
            )}
            <button type="button" onClick={rotate} disabled={action.busy}>
              Rotate secret
            </button>
          </div>
          {secret && <SecretField label="Webhook secret" value={secret} />}
          {w.cursors.length > 0 && (
            <div className="scroll">
              <table aria-label="Cursors">
                <thead>
                  <tr>
                    <th>Table</th>
                    <th>Delivered up to</th>
                    <th>Head</th>
                    <th>Failing since</th>
                    <th>Next attempt</th>
                  </tr>
                </thead>
                <tbody>
                  {w.cursors.map((c) => (
                    <tr key={c.table}>
                      <td>{c.table}</td>
                      <td>#{c.deliveredSeq}</td>
                      <td>#{c.head}</td>
                      <td>{formatTime(c.failingSince)}</td>
                      <td>{formatTime(c.nextAttemptAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <form onSubmit={replay} className="inline-form" aria-label="Replay changes">
            <Field label="Replay table">
              {(id) => (
                <>
                  <input id={id} required list={`${id}-tables`} value={replayTable} onChange={(e) => setReplayTable(e.target.value)} />
                  <datalist id={`${id}-tables`}>
                    {(w.tables ?? w.cursors.map((c) => c.table)).map((t) => (
                      <option key={t} value={t} />
                    ))}
                  </datalist>
                </>
              )}
            </Field>
            <Field label="Since">
              {(id) => <input id={id} type="number" min={0} required value={since} onChange={(e) => setSince(e.target.value)} />}
            </Field>
            <button type="submit" disabled={action.busy}>
              Replay
            </button>
          </form>
          <p aria-live="polite">{notice}</p>
        </>
      )}
      <ErrorAlert error={action.error} />
      <h2>Attempts</h2>
      <button type="button" onClick={attempts.reload}>
        Refresh attempts
      </button>
      <AsyncList state={attempts} what="attempts" empty="No attempts yet: they appear when a table of this webhook changes.">
        {(list) => (
          <DataTable label="Attempts" headers={['At', 'Table', 'Seqs', 'Attempt', 'Status', 'Error', 'Duration']}>
            {list.map((a) => (
              <tr key={a.id} className={a.status === null || a.status >= 300 ? 'failed' : undefined}>
                <td>{formatTime(a.at)}</td>
                <td>{a.table}</td>
                <td>
                  #{a.fromSeq}–#{a.toSeq}
                </td>
                <td>{a.attempt}</td>
                <td>{a.status ?? '—'}</td>
                <td>{a.error ?? ''}</td>
                <td>{a.durationMs} ms</td>
              </tr>
            ))}
          </DataTable>
        )}
      </AsyncList>
      <Pager {...attempts} />
    </>
  );
}
