import { useParams } from 'react-router';
import { api } from '../api/endpoints';
import { ErrorAlert } from '../components/common';
import { TabDef, Tabs } from '../components/tabs';
import { useAsync } from '../lib/use-async';
import { useNames } from '../lib/use-names';
import { ActivityTab } from './activity';
import { Breadcrumbs } from './breadcrumbs';
import { ChangesTab } from './changes';
import { RecordsTab } from './records';
import { SourceTab } from './source';
import type { TableProps } from './table-props';

export function TablePage() {
  const { org = '', sol = '', table = '' } = useParams();
  const info = useAsync(() => api.table(org, sol, table), [org, sol, table]);
  const names = useNames(org, sol);
  const props: TableProps = { org, sol, table, refreshTable: info.reload };
  const tabs: TabDef[] = [
    { key: 'records', label: 'Records', render: () => <RecordsTab {...props} /> },
    { key: 'changes', label: 'Changes', render: () => <ChangesTab {...props} /> },
    { key: 'source', label: 'Source & reloads', render: () => <SourceTab {...props} /> },
    { key: 'activity', label: 'Activity', render: () => <ActivityTab {...props} /> },
  ];
  return (
    <>
      <Breadcrumbs org={org} sol={sol} table={table} {...names} />
      <h1>{table}</h1>
      <ErrorAlert error={info.error} />
      {info.data && (
        <p className="muted">
          {info.data.rowCount} rows · head #{info.data.head} · key {info.data.keyFields?.join(', ') ?? 'first column'}
        </p>
      )}
      <Tabs label="Table" tabs={tabs} />
    </>
  );
}
