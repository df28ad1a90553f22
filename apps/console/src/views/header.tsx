import { Link } from 'react-router';
import { useSession } from '../session';

export function Header() {
  const { identity, signOut } = useSession();
  if (!identity) return null;
  const who = identity.kind === 'operator' ? 'Operator' : (identity.name ?? 'Access token');
  return (
    <header className="header">
      <Link to="/" className="brand">
        Tablecast
      </Link>
      <p className="identity">
        Signed in as <strong>{who}</strong> <span className="muted">({identity.scopes.join(', ')})</span>
      </p>
      <button type="button" onClick={() => signOut()}>
        Sign out
      </button>
    </header>
  );
}
