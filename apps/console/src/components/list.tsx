import { ReactNode } from 'react';
import { Empty, ErrorAlert, Loading } from './common';

export interface ListState<T> {
  loading: boolean;
  error: unknown;
  data: unknown;
  items: T[];
}

/** A loaded list: its failure, "Loading…" the first time, the empty-state sentence, or the items. */
export function AsyncList<T>({
  state,
  what,
  empty,
  children,
}: {
  state: ListState<T>;
  what: string;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  let body: ReactNode;
  if (state.loading && !state.data) body = <Loading what={what} />;
  else if (state.items.length > 0) body = children(state.items);
  else if (!state.error) body = <Empty>{empty}</Empty>;
  return (
    <>
      <ErrorAlert error={state.error} />
      {body}
    </>
  );
}

/** A table that scrolls sideways on a narrow screen; an empty header is read as `hidden`. */
export function DataTable({ label, headers, children }: { label: string; headers: string[]; children: ReactNode }) {
  return (
    <div className="scroll">
      <table aria-label={label}>
        <thead>
          <tr>
            {headers.map((h, i) => (
              <th key={i}>{h.startsWith('sr:') ? <span className="sr-only">{h.slice(3)}</span> : h}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
