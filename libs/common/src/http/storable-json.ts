import { isLosslessNumber } from 'lossless-json';

/**
 * What PostgreSQL can store as sent. `text` and `jsonb` refuse U+0000, `jsonb` refuses unpaired
 * UTF-16 surrogate escapes (`"\ud800"`), and `numeric` (jsonb numbers) holds at most 131,072
 * digits before the decimal point and 16,383 after it. Input that breaks these rules is a 400
 * naming the field, never a failed statement (a 500).
 */

/** Deepest nesting accepted in a JSON body (deeper structures would exhaust recursive parsers and validators). */
export const MAX_JSON_DEPTH = 100;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NUMBER = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
const NUMERIC_MAX_INTEGER_DIGITS = 131_072;
const NUMERIC_MAX_SCALE = 16_383;

/** Why a string cannot be stored, or undefined when it can. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains U+0000 (NUL), which cannot be stored';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate, which is not valid Unicode';
  return undefined;
}

/** The text with U+0000 and unpaired surrogates replaced by U+FFFD, for recording what was received (audits, logs). */
export function toStorableText(text: string): string {
  return text.replaceAll('\u0000', '\ufffd').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd');
}

/** True when a JSON number literal fits PostgreSQL's `numeric` (what jsonb stores numbers as). */
export function isStorableNumeric(literal: string): boolean {
  const match = NUMBER.exec(literal);
  if (!match) return false;
  const [, int, frac = '', exponentText = '0'] = match;
  if (exponentText.replace(/^[+-]?0*/, '').length > 7) return false; // far beyond either limit
  const exponent = Number(exponentText);
  if (frac.length - exponent > NUMERIC_MAX_SCALE) return false;
  const digits = int + frac;
  const firstNonZero = digits.search(/[1-9]/);
  if (firstNonZero === -1) return true; // zero
  return int.length + exponent - firstNonZero <= NUMERIC_MAX_INTEGER_DIGITS;
}

const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * The first number literal of a (valid) JSON text that PostgreSQL's numeric cannot hold, for JSON
 * handed to PostgreSQL as text: JSON.parse turns such literals into Infinity or 0, so they are only
 * visible in the text. Strings are skipped.
 */
export function unstorableNumberLiteral(json: string): string | undefined {
  for (const [token] of json.matchAll(JSON_TOKEN)) {
    if (!token.startsWith('"') && !isStorableNumeric(token)) return token;
  }
  return undefined;
}

export interface JsonProblem {
  /** Where, e.g. `data.lines[3].name` (empty for the value itself). */
  path: string;
  message: string;
}

interface Node {
  value: unknown;
  depth: number;
  parent: Node | undefined;
  key: string | number | undefined;
}

function pathOf(node: Node): string {
  let path = '';
  for (let at: Node | undefined = node; at?.parent; at = at.parent) {
    path = typeof at.key === 'number' ? `[${at.key}]${path}` : `${/^[A-Za-z_$][\w$]*$/.test(at.key!) ? `.${at.key}` : `[${JSON.stringify(at.key)}]`}${path}`;
  }
  return path.startsWith('.') ? path.slice(1) : path;
}

/**
 * The first place in a parsed JSON value (parseExactJson output) that cannot be stored: a string or
 * key PostgreSQL refuses, a number beyond PostgreSQL's numeric (or, from JSON.parse, beyond double
 * range: Infinity would silently become null), or nesting deeper than `maxDepth`. Iterative: safe
 * on any depth.
 */
export function findUnstorable(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonProblem | undefined {
  const stack: Node[] = [{ value, depth: 0, parent: undefined, key: undefined }];
  while (stack.length) {
    const node = stack.pop()!;
    const current = node.value;
    const fail = (message: string): JsonProblem => ({ path: pathOf(node), message });
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) return fail(problem);
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current)) return fail('is a number beyond the range of a double');
    } else if (isLosslessNumber(current)) {
      if (!isStorableNumeric(current.value)) return fail('is a number beyond what can be stored');
    } else if (typeof current === 'object' && current !== null) {
      if (node.depth >= maxDepth) return fail(`is nested more than ${maxDepth} levels deep`);
      if (Array.isArray(current)) {
        current.forEach((item, index) => stack.push({ value: item, depth: node.depth + 1, parent: node, key: index }));
      } else {
        for (const [key, item] of Object.entries(current)) {
          const problem = textProblem(key);
          if (problem) return fail(`has a key that ${problem}`);
          stack.push({ value: item, depth: node.depth + 1, parent: node, key });
        }
      }
    }
  }
  return undefined;
}
