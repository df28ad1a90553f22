/** Which table a table tab shows. */
export interface TableProps {
  org: string;
  sol: string;
  table: string;
  /** Reads the table's row count and head again (after a source created it, or a reload ended). */
  refreshTable?: () => void;
}
