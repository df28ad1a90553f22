import { isSafeNumber, LosslessNumber, parse } from 'lossless-json';

/**
 * JSON numbers that a double cannot hold exactly (`1e400`, `1e-400`, `12345678901234567890`,
 * `0.1000000000000000000001`) stay exact on the way in and out:
 *
 * - {@link parseExactJson} reads them as {@link ExactNumber} (a lossless-json LosslessNumber, so
 *   lossless-json's `stringify` — how records are written — writes their digits), every other
 *   number as a plain `number`. Texts without such a literal take `JSON.parse` (fast path).
 * - {@link stringifyExact} is `JSON.stringify` that writes an ExactNumber's digits as a number.
 *   Native JSON.stringify cannot write raw text, so a LosslessNumber's `toJSON` (defined here, for
 *   all of them) leaves a marked string that is replaced by the digits afterwards. The mark starts with U+0000, which no stored
 *   string can contain (PostgreSQL refuses it), and only a JSON number literal ever replaces it.
 */

const MARK = '\u0000tablecast-exact-number:';
/** How JSON.stringify writes a marked string (U+0000 as \u0000), capturing the number literal. */
const MARKED = /"\\u0000tablecast-exact-number:(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)"/g;
const MARKED_PREFIX = '"\\u0000tablecast-exact-number:';

/** A number kept as its literal, because a double would change it. */
export class ExactNumber extends LosslessNumber {
  /** `value` is optional only because class-transformer clones objects with `new constructor()` and then copies their properties. */
  constructor(value?: string) {
    super(value ?? '0');
  }
}

// Every LosslessNumber (ExactNumber or one lossless-json made) gets the marked toJSON, so that
// stringifyExact writes any of them exactly. lossless-json's own stringify tests for a
// LosslessNumber before toJSON, so it still writes the digits.
Object.defineProperty(LosslessNumber.prototype, 'toJSON', {
  value(this: LosslessNumber): string {
    return MARK + this.value;
  },
  configurable: true,
  writable: true,
});

/**
 * Only a number literal with an exponent, or with 16 or more digits (a dot may sit among them), can
 * be changed by a double: one with at most 15 digits and no exponent is exact (DBL_DIG = 15). The
 * test scans the whole text, strings included, so it errs only towards the exact (slow) path.
 */
const MAYBE_INEXACT = /\d[eE]|[\d.]{16,}/;

function toNumber(literal: string): number | ExactNumber {
  return isSafeNumber(literal) ? Number(literal) : new ExactNumber(literal);
}

/** JSON.parse, except that numbers a double would change are kept exactly (ExactNumber). Throws SyntaxError on bad JSON. */
export function parseExactJson(text: string): unknown {
  if (!MAYBE_INEXACT.test(text)) return JSON.parse(text);
  return parse(text, null, toNumber);
}

/** Puts the digits of ExactNumbers back into a text written by JSON.stringify. */
export function restoreExactNumbers(json: string): string {
  return json.includes(MARKED_PREFIX) ? json.replace(MARKED, '$1') : json;
}

/** JSON.stringify that writes ExactNumbers as the number literals they are. */
export function stringifyExact(value: unknown): string {
  return restoreExactNumbers(JSON.stringify(value));
}
