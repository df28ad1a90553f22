/** CONTRACT: names of tables match this; unique within their solution. */
export const TABLE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function isTableName(value: unknown): value is string {
  return typeof value === 'string' && TABLE_NAME.test(value);
}
