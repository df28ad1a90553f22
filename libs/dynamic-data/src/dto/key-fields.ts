/** At most this many key fields make a record id. */
export const MAX_KEY_FIELDS = 8;
export const MAX_KEY_FIELD_LENGTH = 200;

/**
 * Names that are properties of every JavaScript object (`constructor`, `toString`, `__proto__`, …)
 * plus `prototype`: as key fields they would read inherited values, or name columns a row may not
 * have (`__proto__`, `constructor` and `prototype` are refused as columns). Never a key field.
 */
const RESERVED = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Why a list of key fields is not acceptable (duplicates, reserved or malformed names), or undefined. */
export function keyFieldsProblem(fields: readonly unknown[]): string | undefined {
  if (fields.length < 1 || fields.length > MAX_KEY_FIELDS) return `must be 1–${MAX_KEY_FIELDS} column names`;
  const seen = new Set<string>();
  for (const field of fields) {
    if (typeof field !== 'string' || field.length === 0 || field.length > MAX_KEY_FIELD_LENGTH || field.includes('\u0000')) {
      return `each key field must be a column name of 1–${MAX_KEY_FIELD_LENGTH} characters without NUL`;
    }
    if (RESERVED.has(field)) return `${JSON.stringify(field)} cannot be a key field (a built-in property name of JavaScript objects)`;
    if (seen.has(field)) return `${JSON.stringify(field)} is given twice`;
    seen.add(field);
  }
  return undefined;
}
