export function Pager({
  pageNumber,
  hasNext,
  hasPrevious,
  next,
  previous,
}: {
  pageNumber: number;
  hasNext: boolean;
  hasPrevious: boolean;
  next: () => void;
  previous: () => void;
}) {
  if (!hasNext && !hasPrevious) return null;
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
