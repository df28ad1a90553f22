import { KeyboardEvent, ReactNode, useId, useRef } from 'react';
import { useSearchParams } from 'react-router';

export interface TabDef {
  key: string;
  label: string;
  render: () => ReactNode;
}

/** Tabs whose selection lives in `?tab=`; arrow keys, Home and End move between them. */
export function Tabs({ tabs, label }: { tabs: TabDef[]; label: string }) {
  const [params, setParams] = useSearchParams();
  const base = useId();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const selected = tabs.find((t) => t.key === params.get('tab')) ?? tabs[0];
  const select = (index: number) => {
    const tab = tabs[(index + tabs.length) % tabs.length];
    setParams({ tab: tab.key }, { replace: true });
    refs.current[tabs.indexOf(tab)]?.focus();
  };
  const onKey = (event: KeyboardEvent, index: number) => {
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      select(moves[event.key]);
    }
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label}>
        {tabs.map((tab, index) => (
          <button
            key={tab.key}
            ref={(el) => {
              refs.current[index] = el;
            }}
            role="tab"
            type="button"
            id={`${base}-tab-${tab.key}`}
            aria-selected={tab === selected}
            aria-controls={`${base}-panel`}
            tabIndex={tab === selected ? 0 : -1}
            onClick={() => select(index)}
            onKeyDown={(e) => onKey(e, index)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${selected.key}`} tabIndex={0} className="panel">
        {selected.render()}
      </div>
    </div>
  );
}
