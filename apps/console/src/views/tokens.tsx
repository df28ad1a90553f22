import { FormEvent, useState } from 'react';
import { api } from '../api/endpoints';
import { AccessToken, CreatedAccessToken, Scope, SCOPES } from '../api/types';
import { ConfirmDialog, ErrorAlert, Field, formatTime, SecretField } from '../components/common';
import { AsyncList, DataTable } from '../components/list';
import { Pager } from '../components/pager';
import { useAction } from '../lib/use-async';
import { usePages } from '../lib/use-pages';

export function TokensSection({ org }: { org: string }) {
  const tokens = usePages((cursor) => api.tokens(org, cursor), [org]);
  const action = useAction();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>([...SCOPES]);
  const [expiresAt, setExpiresAt] = useState('');
  const [created, setCreated] = useState<CreatedAccessToken | null>(null);
  const [revoking, setRevoking] = useState<AccessToken | null>(null);

  const toggle = (scope: Scope) => setScopes((s) => (s.includes(scope) ? s.filter((x) => x !== scope) : [...s, scope]));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = { name, scopes, expiresAt: expiresAt ? new Date(expiresAt).toISOString() : undefined };
    const token = await action.run(() => api.createToken(org, body));
    if (token) {
      setCreated(token);
      setName('');
      setExpiresAt('');
      tokens.reload();
    }
  };
  const revoke = async (token: AccessToken) => {
    setRevoking(null);
    await action.run(() => api.revokeToken(org, token.id));
    tokens.reload();
  };

  return (
    <section aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">Tokens</h2>
      <form onSubmit={submit} className="stack" aria-label="Create a token">
        <Field label="Token name">{(id) => <input id={id} required value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.map((scope) => (
            <label key={scope} className="check">
              <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} /> {scope}
            </label>
          ))}
        </fieldset>
        <Field label="Expires at" hint="Optional; your local time.">
          {(id) => <input id={id} type="datetime-local" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} />}
        </Field>
        <button type="submit" disabled={action.busy}>
          Create token
        </button>
      </form>
      {created && <SecretField label="New token" value={created.token} />}
      <ErrorAlert error={action.error} />
      <AsyncList state={tokens} what="tokens" empty="No tokens yet: create one above for Acumatica (cdc:push) or an app (data:read).">
        {(list) => (
          <DataTable label="Tokens" headers={['Name', 'Prefix', 'Scopes', 'Expires', 'Last used', 'State', 'sr:Actions']}>
            {list.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td className="mono">{t.prefix}</td>
                <td>{t.scopes.join(', ')}</td>
                <td>{formatTime(t.expiresAt)}</td>
                <td>{formatTime(t.lastUsedAt)}</td>
                <td>
                  {t.revokedAt
                    ? `revoked ${formatTime(t.revokedAt)}`
                    : t.expiresAt && new Date(t.expiresAt) < new Date()
                      ? 'expired'
                      : 'active'}
                </td>
                <td>
                  {!t.revokedAt && (
                    <button type="button" className="danger" aria-label={`Revoke ${t.name}`} onClick={() => setRevoking(t)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </AsyncList>
      <Pager {...tokens} />
      {revoking && (
        <ConfirmDialog
          title={`Revoke ${revoking.name}?`}
          confirm="Revoke token"
          onConfirm={() => revoke(revoking)}
          onCancel={() => setRevoking(null)}
        >
          <p>Every request and live connection with this token is refused from now on. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
