import { FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/endpoints';
import { ErrorAlert, Field } from '../components/common';
import { AsyncList } from '../components/list';
import { Pager } from '../components/pager';
import { useAction, useAsync } from '../lib/use-async';
import { usePages } from '../lib/use-pages';
import { useSession } from '../session';
import { Breadcrumbs } from './breadcrumbs';
import { TokensSection } from './tokens';

export function OrganizationPage() {
  const { org = '' } = useParams();
  const { can } = useSession();
  const organization = useAsync(() => api.organization(org), [org]);
  return (
    <>
      <Breadcrumbs org={org} orgName={organization.data?.name} />
      <ErrorAlert error={organization.error} />
      <h1>{organization.data?.name ?? 'Organization'}</h1>
      {organization.data && (
        <p className="muted">
          Region {organization.data.region} · id <code>{organization.data.id}</code>
        </p>
      )}
      <SolutionsSection org={org} canCreate={can('org:admin')} />
      {can('org:admin') && <TokensSection org={org} />}
    </>
  );
}

function SolutionsSection({ org, canCreate }: { org: string; canCreate: boolean }) {
  const solutions = usePages((cursor) => api.solutions(org, cursor), [org]);
  const create = useAction();
  const [name, setName] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await create.run(() => api.createSolution(org, name))) {
      setName('');
      solutions.reload();
    }
  };
  return (
    <section aria-labelledby="solutions-heading">
      <h2 id="solutions-heading">Solutions</h2>
      {canCreate && (
        <form onSubmit={submit} className="inline-form" aria-label="Create a solution">
          <Field label="Solution name">{(id) => <input id={id} required value={name} onChange={(e) => setName(e.target.value)} />}</Field>
          <button type="submit" disabled={create.busy}>
            Create solution
          </button>
        </form>
      )}
      <ErrorAlert error={create.error} />
      <AsyncList
        state={solutions}
        what="solutions"
        empty={<>No solutions yet: {canCreate ? 'create one above' : 'ask an organization admin to create one'}.</>}
      >
        {(list) => (
          <ul className="cards">
            {list.map((s) => (
              <li key={s.id}>
                <Link to={`/orgs/${org}/solutions/${s.id}`}>{s.name}</Link>
              </li>
            ))}
          </ul>
        )}
      </AsyncList>
      <Pager {...solutions} />
    </section>
  );
}
