/** How the CLI prints: a readable table for people, JSON (`--json`) for scripts. */

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
}

/** Rows as an aligned text table, or a line saying there are none. */
export function formatTable<T>(rows: T[], columns: Column<T>[], none: string): string {
  if (rows.length === 0) return none;
  const cells = rows.map((row) => columns.map((column) => cellText(column.value(row))));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => line[i].length)));
  const line = (values: string[]) =>
    values
      .map((value, i) => (i === values.length - 1 ? value : value.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n');
}

function cellText(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '-';
  return String(value).replace(/[\r\n\t]/g, ' ');
}

export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
