export type FilterResult = { ok: true; filter: string | undefined } | { ok: false; error: string };

/**
 * The records filter as typed: empty = none; otherwise a JSON object (a record matches when its
 * data contains it). Sent as typed (not re-serialized), so big numbers stay exact.
 */
export function parseFilter(text: string): FilterResult {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, filter: undefined };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    return { ok: false, error: `Filter (JSON) is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: 'Filter (JSON) must be a JSON object, e.g. {"Status": "Active"}' };
  }
  return { ok: true, filter: trimmed };
}
