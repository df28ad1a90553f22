/**
 * Keyset pagination by creation time: the cursor carries created_at as whole microseconds since
 * the epoch (exact, unlike a float), converted back in SQL.
 */
export const CREATED_US = '(extract(epoch FROM created_at) * 1000000)::bigint::text';

/** SQL turning a bound microseconds parameter (e.g. `$2`) back into a timestamptz. */
export const FROM_US = (param: string): string => `(timestamptz 'epoch' + ${param}::bigint * interval '1 microsecond')`;
