import { Link } from 'react-router';
import { useSession } from '../session';

export function Breadcrumbs({
  org,
  orgName,
  sol,
  solName,
  table,
}: {
  org: string;
  orgName?: string;
  sol?: string;
  solName?: string;
  table?: string;
}) {
  const { identity } = useSession();
  const crumbs: { to: string; label: string }[] = [];
  if (identity?.kind === 'operator') crumbs.push({ to: '/', label: 'Organizations' });
  crumbs.push({ to: `/orgs/${org}`, label: orgName ?? 'Organization' });
  if (sol) crumbs.push({ to: `/orgs/${org}/solutions/${sol}`, label: solName ?? 'Solution' });
  if (sol && table) crumbs.push({ to: `/orgs/${org}/solutions/${sol}/tables/${encodeURIComponent(table)}`, label: table });
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      <ol>
        {crumbs.map((c) => (
          <li key={c.to}>
            <Link to={c.to}>{c.label}</Link>
          </li>
        ))}
      </ol>
    </nav>
  );
}
