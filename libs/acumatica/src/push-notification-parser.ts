import { TokenParser, Tokenizer, TokenType } from '@streamparser/json';
import { ExactNumber, MAX_JSON_DEPTH, nextTurn } from '@tablecast/common';

/** Characters of the body parsed between two yields to the event loop (~a few milliseconds of work). */
export const PARSE_SLICE_CHARS = 128 * 1024;

/** The notification holds more rows than allowed; found while parsing, before the rest is read. */
export class TooManyRowsError extends Error {
  constructor(
    readonly limit: number,
    readonly field: 'Inserted' | 'Deleted',
  ) {
    super(`the notification has more than ${limit} rows (Inserted + Deleted)`);
  }
}

/** The body is not JSON, or is nested too deeply. */
export class UnreadableJsonError extends Error {}

/**
 * Numbers stay exactly as written: an ExactNumber is a lossless-json LosslessNumber (TimeStamp
 * exceeds 2^53) that stringifyExact also writes exactly, at JSON.stringify's speed.
 */
class LosslessTokenizer extends Tokenizer {
  protected override parseNumber(literal: string): number {
    return new ExactNumber(literal) as unknown as number;
  }
}

export interface ParseLimits {
  /** Rows of Inserted + Deleted allowed; one more stops the parse with TooManyRowsError. */
  maxRows: number;
}

/**
 * Parses a JSON text in slices, every number kept exactly (a LosslessNumber, as lossless-json
 * gives), and counts the rows of the top-level `Inserted` and `Deleted` arrays as they complete, so
 * that an oversized notification is refused as soon as it shows itself, not after building the
 * whole tree. A generator: it yields after every slice, so that a caller can give the event loop
 * its turn ({@link runInTurns}), or run it through at once ({@link runSync}).
 */
export function* parseSteps(text: string, limits: ParseLimits): Generator<void, unknown> {
  const tokenizer = new LosslessTokenizer();
  const parser = new TokenParser({ paths: ['$', '$.Inserted.*', '$.Deleted.*'], keepStack: true });
  let depth = 0;
  tokenizer.onToken = (token) => {
    if (token.token === TokenType.LEFT_BRACE || token.token === TokenType.LEFT_BRACKET) {
      if (++depth > MAX_JSON_DEPTH) throw new UnreadableJsonError(`it is nested more than ${MAX_JSON_DEPTH} levels deep`);
    } else if (token.token === TokenType.RIGHT_BRACE || token.token === TokenType.RIGHT_BRACKET) {
      depth--;
    }
    parser.write(token);
  };
  tokenizer.onEnd = () => {
    if (!parser.isEnded) parser.end();
  };
  const fail = (error: Error) => {
    throw error instanceof TooManyRowsError || error instanceof UnreadableJsonError ? error : new UnreadableJsonError('it is not valid JSON');
  };
  tokenizer.onError = fail;
  parser.onError = fail;

  let rows = 0;
  let root: unknown;
  let done = false;
  parser.onValue = ({ value, parent, stack }) => {
    if (stack.length === 0) {
      root = value;
      done = true;
      return;
    }
    // Rows are the elements of the top-level arrays (the path also matches members of an object).
    if (Array.isArray(parent) && ++rows > limits.maxRows) throw new TooManyRowsError(limits.maxRows, stack[1]?.key === 'Deleted' ? 'Deleted' : 'Inserted');
  };

  for (let start = 0; start < text.length; start += PARSE_SLICE_CHARS) {
    if (done && text.slice(start).trim() !== '') throw new UnreadableJsonError('it is not valid JSON');
    if (done) break;
    tokenizer.write(text.slice(start, start + PARSE_SLICE_CHARS));
    if (start + PARSE_SLICE_CHARS < text.length) yield;
  }
  if (!tokenizer.isEnded) tokenizer.end();
  if (!done) throw new UnreadableJsonError('it is not valid JSON');
  return root;
}

/** Runs a step generator to its end at once (small texts, tests). */
export function runSync<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs a step generator, giving the event loop its turn (setImmediate) between steps. */
export async function runInTurns<T>(steps: Generator<void, T>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await nextTurn();
  }
}
