import { FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/endpoints';
import { CopyButton, ErrorAlert, Field } from '../components/common';
import { AsyncList } from '../components/list';
import { Pager } from '../components/pager';
import { TabDef, Tabs } from '../components/tabs';
import { useAction, useAsync } from '../lib/use-async';
import { useNames } from '../lib/use-names';
import { usePages } from '../lib/use-pages';
import { useSession } from '../session';
import { Breadcrumbs } from './breadcrumbs';
import { ConnectionsTab } from './connections';
import { DeliveriesTab } from './deliveries';
import { WebhooksTab } from './webhooks';

export function SolutionPage() {
  const { org = '', sol = '' } = useParams();
  const { can } = useSession();
  const solution = useAsync(() => api.solution(org, sol), [org, sol]);
  const { orgName } = useNames(org);
  const tabs: TabDef[] = [{ key: 'tables', label: 'Tables', render: () => <TablesTab org={org} sol={sol} /> }];
  if (can('org:admin')) {
    tabs.push(
      { key: 'deliveries', label: 'Deliveries', render: () => <DeliveriesTab org={org} sol={sol} /> },
      { key: 'connections', label: 'Connections', render: () => <ConnectionsTab org={org} sol={sol} /> },
      { key: 'webhooks', label: 'Webhooks', render: () => <WebhooksTab org={org} sol={sol} /> },
    );
  }
  return (
    <>
      <Breadcrumbs org={org} orgName={orgName} sol={sol} solName={solution.data?.name} />
      <ErrorAlert error={solution.error} />
      <h1>{solution.data?.name ?? 'Solution'}</h1>
      {solution.data && <CdcUrl cdcUrl={solution.data.cdcUrl} />}
      <Tabs label="Solution" tabs={tabs} />
    </>
  );
}

function CdcUrl({ cdcUrl }: { cdcUrl: string }) {
  return (
    <section className="card" aria-label="Acumatica destination">
      <Field
        label="CDC URL"
        hint="Paste into Acumatica's push notification destination and append the table name after ?table= (e.g. …?table=Customers)."
      >
        {(id) => (
          <div className="row">
            <input id={id} readOnly value={cdcUrl} className="mono grow" onFocus={(e) => e.currentTarget.select()} />
            <CopyButton value={cdcUrl} label="Copy CDC URL" />
          </div>
        )}
      </Field>
      <p>
        Header to add in Acumatica: <code>Authorization: Bearer &lt;token&gt;</code>{' '}
        <span className="muted">(a token with the cdc:push scope)</span>
      </p>
    </section>
  );
}

function TablesTab({ org, sol }: { org: string; sol: string }) {
  const { can } = useSession();
  const tables = usePages((cursor) => api.tables(org, sol, cursor), [org, sol]);
  const create = useAction();
  const [name, setName] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await create.run(() => api.createTable(org, sol, name))) {
      setName('');
      tables.reload();
    }
  };
  return (
    <>
      {can('data:write') && (
        <form onSubmit={submit} className="inline-form" aria-label="Create a table">
          <Field label="Table name">{(id) => <input id={id} required value={name} onChange={(e) => setName(e.target.value)} />}</Field>
          <button type="submit" disabled={create.busy}>
            Create table
          </button>
        </form>
      )}
      <ErrorAlert error={create.error} />
      <AsyncList state={tables} what="tables" empty="No tables yet: push a notification to the CDC URL or create one.">
        {(list) => (
          <ul className="cards">
            {list.map((t) => (
              <li key={t.name}>
                <Link to={`/orgs/${org}/solutions/${sol}/tables/${encodeURIComponent(t.name)}`}>{t.name}</Link>{' '}
                <span className="muted">
                  {t.rowCount} rows · head #{t.head}
                  {t.keyFields ? ` · key ${t.keyFields.join(', ')}` : ''}
                </span>
              </li>
            ))}
          </ul>
        )}
      </AsyncList>
      <Pager {...tables} />
    </>
  );
}
