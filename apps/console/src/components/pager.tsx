interface PagerProps {
  pageNumber: number;
  hasNext: boolean;
  hasPrevious: boolean;
  next: () => void;
  previous: () => void;
  /** Show the buttons (disabled) even when everything fits on one page. */
  always?: boolean;
}

/** Previous/Next over cursor pages. */
export function Pager({ pageNumber, hasNext, hasPrevious, next, previous, always = false }: PagerProps) {
  if (!always && !hasNext && !hasPrevious) return null;
  return (
    <nav className="row pager" aria-label="Pages">
      <button type="button" onClick={previous} disabled={!hasPrevious}>
        Previous page
      </button>
      <span className="muted">Page {pageNumber}</span>
      <button type="button" onClick={next} disabled={!hasNext}>
        Next page
      </button>
    </nav>
  );
}
