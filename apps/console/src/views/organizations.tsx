import { FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/endpoints';
import { ErrorAlert, Field } from '../components/common';
import { AsyncList } from '../components/list';
import { Pager } from '../components/pager';
import { useAction, useAsync } from '../lib/use-async';
import { usePages } from '../lib/use-pages';

export function Organizations() {
  const orgs = usePages((cursor) => api.organizations(cursor), []);
  const regions = useAsync(() => api.regions(), []);
  const create = useAction();
  const [name, setName] = useState('');
  const [region, setRegion] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await create.run(() => api.createOrganization({ name, region: region || undefined }));
    if (created) {
      setName('');
      orgs.reload();
    }
  };
  return (
    <section>
      <h1>Organizations</h1>
      <form onSubmit={submit} className="inline-form" aria-label="Create an organization">
        <Field label="Organization name">{(id) => <input id={id} required value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <Field label="Region">
          {(id) => (
            <select id={id} value={region} onChange={(e) => setRegion(e.target.value)}>
              <option value="">Serving region{regions.data ? ` (${regions.data.serving})` : ''}</option>
              {regions.data?.items.map((r) => (
                <option key={r.region} value={r.region}>
                  {r.region} — {r.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" disabled={create.busy}>
          Create organization
        </button>
      </form>
      <ErrorAlert error={create.error} />
      <AsyncList state={orgs} what="organizations" empty="No organizations yet: create the first one above.">
        {(list) => (
          <ul className="cards">
            {list.map((o) => (
              <li key={o.id}>
                <Link to={`/orgs/${o.id}`}>{o.name}</Link> <span className="muted">{o.region}</span>
              </li>
            ))}
          </ul>
        )}
      </AsyncList>
      <Pager {...orgs} />
    </section>
  );
}
