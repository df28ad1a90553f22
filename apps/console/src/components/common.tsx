import { ReactNode, useEffect, useId, useRef, useState } from 'react';
import { ApiError, errorMessage } from '../api/http';

/** A failed call: the problem's `detail` exactly as the API wrote it. */
export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const fields = error instanceof ApiError ? error.errors : [];
  return (
    <div role="alert" className="alert">
      <p>{errorMessage(error)}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map((f) => (
            <li key={f.field}>
              <code>{f.field}</code>: {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // No clipboard permission (plain http): the value stays selectable in its field.
      setCopied(false);
    }
  };
  return (
    <>
      <button type="button" onClick={copy}>
        {label}
      </button>
      <span aria-live="polite" className="muted">
        {copied ? ' Copied' : ''}
      </span>
    </>
  );
}

/** A secret shown once: readonly, selected for copying, with a Copy button. */
export function SecretField({ label, value }: { label: string; value: string }) {
  const id = useId();
  return (
    <div className="secret">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input id={id} readOnly value={value} onFocus={(e) => e.currentTarget.select()} className="mono grow" />
        <CopyButton value={value} />
      </div>
      <p className="muted">Shown only now: copy it and keep it safe.</p>
    </div>
  );
}

/** A modal confirmation: focus moves into it, Escape cancels. */
export function ConfirmDialog({
  title,
  confirm,
  children,
  onConfirm,
  onCancel,
}: {
  title: string;
  confirm: string;
  children: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const titleId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  return (
    <div className="backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby={titleId} className="dialog" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
        <h2 id={titleId}>{title}</h2>
        {children}
        <div className="row">
          <button type="button" className="danger" onClick={onConfirm}>
            {confirm}
          </button>
          <button type="button" ref={cancelRef} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}

export function Field({ label, children, hint }: { label: string; children: (id: string) => ReactNode; hint?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint && <small className="muted">{hint}</small>}
    </div>
  );
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
