import type { Reload } from '../api/types';

export const ACTIVE: Reload['status'][] = ['queued', 'running'];

/**
 * A reload has no known total (OData has no $count): while queued or running the bar is
 * indeterminate and says what was read so far; once ended it is full.
 */
export function ReloadProgress({ reload }: { reload: Reload }) {
  const active = ACTIVE.includes(reload.status);
  const { pages, rowsRead } = reload.progress;
  const text = `${rowsRead} rows read in ${pages} ${pages === 1 ? 'page' : 'pages'}${active ? '' : `, ${reload.status}`}`;
  return (
    <div className="progress-wrap">
      <div
        role="progressbar"
        aria-label="Reload progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={active ? undefined : 100}
        aria-valuetext={text}
        className={`progress ${active ? 'indeterminate' : `done status-${reload.status}`}`}
      >
        <div className="bar" />
      </div>
      <small>{text}</small>
    </div>
  );
}
