import { FormEvent, useState } from 'react';
import { api } from '../api/endpoints';
import { errorMessage } from '../api/http';
import { Empty, ErrorAlert, Field, Loading } from '../components/common';
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
  const [tests, setTests] = useState<Record<string, string>>({});
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await create.run(() => api.createConnection(org, sol, form))) {
      setForm(EMPTY);
      connections.reload();
    }
  };
  const test = async (id: string) => {
    setTests((t) => ({ ...t, [id]: 'Testing…' }));
    let result: string;
    try {
      const answer = await api.testConnection(org, sol, id);
      result = answer.ok ? 'Connection OK' : (answer.error?.message ?? 'The connection failed.');
    } catch (error) {
      result = errorMessage(error);
    }
    setTests((t) => ({ ...t, [id]: result }));
  };
  const items = connections.data?.items ?? [];
  return (
    <>
      <form onSubmit={submit} className="grid-form" aria-label="New connection">
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
      <ErrorAlert error={connections.error} />
      {connections.loading && !connections.data ? (
        <Loading what="connections" />
      ) : items.length === 0 && !connections.error ? (
        <Empty>No connections yet: add your Acumatica instance above to read Generic Inquiries over OData.</Empty>
      ) : (
        <div className="scroll">
          <table aria-label="Connections">
            <thead>
              <tr>
                <th>Name</th>
                <th>Instance URL</th>
                <th>Tenant</th>
                <th>Username</th>
                <th>Test</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td className="mono">{c.instanceUrl}</td>
                  <td>{c.tenant}</td>
                  <td>{c.username}</td>
                  <td>
                    <button type="button" onClick={() => test(c.id)}>
                      Test connection
                    </button>{' '}
                    <span aria-live="polite">{tests[c.id]}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
