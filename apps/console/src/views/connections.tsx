import { FormEvent, useState } from 'react';
import { api } from '../api/endpoints';
import { errorMessage } from '../api/http';
import { ErrorAlert, Field } from '../components/common';
import { AsyncList, DataTable } from '../components/list';
import { useAction, useAsync } from '../lib/use-async';

const FIELDS = [
  { key: 'name', label: 'Connection name', type: 'text' },
  { key: 'instanceUrl', label: 'Instance URL', type: 'url' },
  { key: 'tenant', label: 'Tenant', type: 'text' },
  { key: 'clientId', label: 'Client ID', type: 'text' },
  { key: 'clientSecret', label: 'Client secret', type: 'password' },
  { key: 'username', label: 'Username', type: 'text' },
  { key: 'password', label: 'Password', type: 'password' },
] as const;

type Form = Record<(typeof FIELDS)[number]['key'], string>;
const EMPTY: Form = { name: '', instanceUrl: '', tenant: '', clientId: '', clientSecret: '', username: '', password: '' };

export function ConnectionsTab({ org, sol }: { org: string; sol: string }) {
  const connections = useAsync(() => api.connections(org, sol), [org, sol]);
  const create = useAction();
  const [form, setForm] = useState<Form>(EMPTY);
  const [tests, setTests] = useState<Record<string, { text: string; failed: boolean }>>({});
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await create.run(() => api.createConnection(org, sol, form))) {
      setForm(EMPTY);
      connections.reload();
    }
  };
  const test = async (id: string) => {
    setTests((t) => ({ ...t, [id]: { text: 'Testing…', failed: false } }));
    let result: { text: string; failed: boolean };
    try {
      const answer = await api.testConnection(org, sol, id);
      result = answer.ok
        ? { text: 'Connection OK', failed: false }
        : { text: answer.error?.message ?? 'The connection failed.', failed: true };
    } catch (error) {
      result = { text: errorMessage(error), failed: true };
    }
    setTests((t) => ({ ...t, [id]: result }));
  };
  const items = connections.data?.items ?? [];
  return (
    <>
      <form onSubmit={submit} className="grid-form" aria-label="Create a connection">
        {FIELDS.map((f) => (
          <Field key={f.key} label={f.label}>
            {(id) => (
              <input
                id={id}
                type={f.type}
                required
                autoComplete="off"
                value={form[f.key]}
                onChange={(e) => setForm({ ...form, [f.key]: e.target.value })}
              />
            )}
          </Field>
        ))}
        <button type="submit" disabled={create.busy}>
          Create connection
        </button>
      </form>
      <ErrorAlert error={create.error} />
      <AsyncList
        state={{ ...connections, items: items }}
        what="connections"
        empty="No connections yet: add your Acumatica instance above to read Generic Inquiries over OData."
      >
        {(list) => (
          <DataTable label="Connections" headers={['Name', 'Instance URL', 'Tenant', 'Username', 'Test']}>
            {list.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td className="mono">{c.instanceUrl}</td>
                <td>{c.tenant}</td>
                <td>{c.username}</td>
                <td>
                  <button type="button" onClick={() => test(c.id)}>
                    Test connection
                  </button>{' '}
                  {/* A failed test is a problem like any failed call (role=alert); success is announced politely. */}
                  <span
                    role={tests[c.id]?.failed ? 'alert' : undefined}
                    aria-live="polite"
                    className={tests[c.id]?.failed ? 'field-error' : undefined}
                  >
                    {tests[c.id]?.text}
                  </span>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </AsyncList>
    </>
  );
}
