/** A small SVG bar chart of per-minute values over the last hour (null = no sample that minute). */
export function BarChart({ label, values, unit, summary }: { label: string; values: (number | null)[]; unit: string; summary: string }) {
  const width = 600;
  const height = 160;
  const pad = { left: 44, bottom: 22, top: 8, right: 4 };
  const max = Math.max(1, ...values.map((v) => v ?? 0));
  const slot = (width - pad.left - pad.right) / values.length;
  const plot = height - pad.top - pad.bottom;
  return (
    <figure aria-label={label} className="chart">
      <figcaption>
        <strong>{label}</strong> <span className="muted">{summary}</span>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${label}: ${summary}`}>
        <line x1={pad.left} x2={width - pad.right} y1={height - pad.bottom} y2={height - pad.bottom} className="axis" />
        <text x={pad.left - 4} y={pad.top + 10} textAnchor="end" className="tick">
          {max}
        </text>
        <text x={pad.left - 4} y={height - pad.bottom} textAnchor="end" className="tick">
          0
        </text>
        <text x={pad.left} y={height - 6} className="tick">
          −60 min
        </text>
        <text x={width - pad.right} y={height - 6} textAnchor="end" className="tick">
          now
        </text>
        {values.map((v, i) =>
          v === null || v === 0 ? null : (
            <rect
              key={i}
              x={pad.left + i * slot + 1}
              width={Math.max(1, slot - 2)}
              y={pad.top + plot - (v / max) * plot}
              height={(v / max) * plot}
              className="bar"
            >
              <title>
                {values.length - 1 - i === 0 ? 'this minute' : `${values.length - 1 - i} min ago`}: {v} {unit}
              </title>
            </rect>
          ),
        )}
      </svg>
    </figure>
  );
}
