import { FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/endpoints';
import { ErrorAlert, Field, SecretField } from '../components/common';
import { AsyncList, DataTable } from '../components/list';
import { Pager } from '../components/pager';
import { splitList } from '../lib/text';
import { useAction } from '../lib/use-async';
import { usePages } from '../lib/use-pages';

export function WebhooksTab({ org, sol }: { org: string; sol: string }) {
  const webhooks = usePages((cursor) => api.webhooks(org, sol, cursor), [org, sol]);
  const create = useAction();
  const [url, setUrl] = useState('');
  const [tables, setTables] = useState('');
  const [description, setDescription] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const list = splitList(tables);
    const created = await create.run(() =>
      api.createWebhook(org, sol, { url, tables: list.length ? list : undefined, description: description || undefined }),
    );
    if (created) {
      setSecret(created.secret);
      setUrl('');
      setTables('');
      setDescription('');
      webhooks.reload();
    }
  };
  return (
    <>
      <form onSubmit={submit} className="grid-form" aria-label="Create a webhook">
        <Field label="Webhook URL">
          {(id) => <input id={id} type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />}
        </Field>
        <Field label="Tables" hint="Comma-separated; empty = every table, including ones created later.">
          {(id) => <input id={id} value={tables} onChange={(e) => setTables(e.target.value)} />}
        </Field>
        <Field label="Description">{(id) => <input id={id} value={description} onChange={(e) => setDescription(e.target.value)} />}</Field>
        <button type="submit" disabled={create.busy}>
          Create webhook
        </button>
      </form>
      {secret && <SecretField label="Webhook secret" value={secret} />}
      <ErrorAlert error={create.error} />
      <AsyncList state={webhooks} what="webhooks" empty="No webhooks yet: add a URL above to receive every change, signed and in order.">
        {(list) => (
          <DataTable label="Webhooks" headers={['URL', 'Tables', 'State', 'Description']}>
            {list.map((w) => (
              <tr key={w.id}>
                <td>
                  <Link to={`/orgs/${org}/solutions/${sol}/webhooks/${w.id}`}>{w.url}</Link>
                </td>
                <td>{w.tables ? w.tables.join(', ') : 'every table'}</td>
                <td>{w.enabled ? 'enabled' : `disabled${w.disabledReason ? `: ${w.disabledReason}` : ''}`}</td>
                <td>{w.description}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </AsyncList>
      <Pager {...webhooks} />
    </>
  );
}
