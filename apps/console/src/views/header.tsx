import { Link, useNavigate } from 'react-router';
import { useSession } from '../session';

export function Header() {
  const { identity, signOut } = useSession();
  const navigate = useNavigate();
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
      {/* back to the start: the next token may be of another organization than this page's */}
      <button
        type="button"
        onClick={() => {
          signOut();
          void navigate('/');
        }}
      >
        Sign out
      </button>
    </header>
  );
}
