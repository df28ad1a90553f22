/** Which table a table tab shows. */
export interface TableProps {
  org: string;
  sol: string;
  table: string;
}
