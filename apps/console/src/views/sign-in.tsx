import { FormEvent, useState } from 'react';
import { ErrorAlert, Field } from '../components/common';
import { useSession } from '../session';

export function SignIn() {
  const { signIn, problem } = useSession();
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(token);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="narrow">
      <h1>Sign in to Tablecast</h1>
      <p>
        Use the operator token (ADMIN_TOKEN) or an organization's access token. It is kept in this tab only and forgotten when the tab
        closes.
      </p>
      {problem && !error && <ErrorAlert error={new Error(problem)} />}
      <ErrorAlert error={error} />
      <form onSubmit={submit} className="stack">
        <Field label="Token">
          {(id) => <input id={id} type="password" autoComplete="off" required value={token} onChange={(e) => setToken(e.target.value)} />}
        </Field>
        <button type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
      </form>
    </main>
  );
}
