import { isLosslessNumber, LosslessNumber } from 'lossless-json';
import { BadRequestError, DomainError, ExactNumber, isStorableNumeric, MAX_JSON_DEPTH, textProblem, toFieldErrors } from '@tablecast/common';
import { IsArray, IsOptional, IsString, Validate, validateSync, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { ParseLimits, parseSteps, runInTurns, runSync, TooManyRowsError, UnreadableJsonError } from './push-notification-parser';

/** A row of the Generic Inquiry: flat, column → scalar (numbers kept exactly as sent: a plain number only when a double is exact). */
export type Row = Record<string, string | boolean | null | number | LosslessNumber>;

export interface PushNotification {
  companyId: string;
  query: string;
  id: string | null;
  /** .NET ticks, exact; null when the notification has none (arrival order decides). */
  timeStamp: bigint | null;
  inserted: Row[];
  deleted: Row[];
}

const MAX_BIGINT = (1n << 63n) - 1n;
/** Column names that could only be an attack on a JavaScript consumer: refused, never stored. */
const FORBIDDEN_COLUMNS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_COLUMN_NAME = 256;

function invalid(field: string, message: string): BadRequestError {
  return new BadRequestError(`${field}: ${message}`, [{ field, message }]);
}

/** Rows validated between two yields to the event loop. */
const ROWS_PER_STEP = 2000;

/** Every number stays a LosslessNumber: TimeStamp exceeds 2^53, and rows are stored as sent. */
function* parseLossless(text: string, limits: ParseLimits): Generator<void, unknown> {
  try {
    return yield* parseSteps(text, limits);
  } catch (error) {
    if (error instanceof TooManyRowsError) {
      const message = `${error.message}; the limit per notification is ${error.limit} rows (CDC_MAX_ROWS): split it`;
      throw new DomainError('payload_too_large', `${error.field}: ${message}`, { errors: [{ field: error.field, message }] });
    }
    const reason = error instanceof UnreadableJsonError ? error.message : 'it is not valid JSON';
    throw invalid('body', `the body cannot be read: ${reason}`);
  }
}

/**
 * A number literal whose value or text a double (JSON.parse, then JSON.stringify) could change: an
 * exponent, 16 or more digits, a fraction ending in 0 (\`1.50\`: jsonb keeps the scale), a fraction
 * JSON.stringify would write with an exponent (\`0.0000001\`), or minus zero — right after what
 * can precede a number in an object (\`:\`, \`,\`, \`[\`). The scan also looks inside strings, so it
 * errs only towards the exact (slower) parser.
 */
const MAYBE_INEXACT = /[:,[]\s*(?:-?[\d.]*\d[eE]|-?[\d.]{16,}|-?\d+\.\d*0(?!\d)|-?0\.0{6}|-0(?![.\d]))/g;
/** Where the only such literal is the top-level TimeStamp (Acumatica's .NET ticks), its digits. */
const TICKS_LITERAL = /^-?\d+$/;

/**
 * JSON.parse where it is exact: when no number literal could lose digits, or when the only one is
 * the top-level TimeStamp (then its literal, found by position, becomes a LosslessNumber). Other
 * texts, and texts JSON.parse refuses (for the lossless parser's precise message), give undefined.
 * The body is bounded by MAX_BODY_BYTES, so one native parse is a few milliseconds.
 */
function parseQuickly(text: string, limits: ParseLimits): Record<string, unknown> | undefined {
  MAYBE_INEXACT.lastIndex = 0;
  const first = MAYBE_INEXACT.exec(text);
  const second = first && MAYBE_INEXACT.exec(text);
  if (second) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(body) || tooDeep(body) || rowCount(body) > limits.maxRows) return undefined;
  if (!first) return body;
  // One literal could be inexact: only the top-level TimeStamp may be it, as a number a double cannot hold.
  const ticks = body.TimeStamp;
  if (typeof ticks !== 'number' || Number.isSafeInteger(ticks)) return undefined;
  const literal = numberLiteralAround(text, first.index + first[0].length - 1);
  if (!TICKS_LITERAL.test(literal) || Number(literal) !== ticks) return undefined;
  body.TimeStamp = new ExactNumber(literal);
  return body;
}

/** The whole number literal around position `at` (the scan matched somewhere inside it). */
function numberLiteralAround(text: string, at: number): string {
  let start = at;
  let end = at;
  while (start > 0 && /[-\d.eE+]/.test(text[start - 1])) start--;
  while (end < text.length && /[-\d.eE+]/.test(text[end])) end++;
  return text.slice(start, end);
}

function rowCount(body: Record<string, unknown>): number {
  return (Array.isArray(body.Inserted) ? body.Inserted.length : 0) + (Array.isArray(body.Deleted) ? body.Deleted.length : 0);
}

/** Nesting beyond MAX_JSON_DEPTH anywhere (the lossless parser refuses it with its own message). */
function tooDeep(root: unknown): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) return true;
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === 'object' && item !== null) stack.push([item, depth + 1]);
    } else if (typeof value === 'object' && value !== null) {
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        if (typeof item === 'object' && item !== null) stack.push([item, depth + 1]);
      }
    }
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

@ValidatorConstraint({ name: 'isTicks' })
class IsTicks implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    const text = ticksText(value);
    return text !== undefined && /^\d{1,19}$/.test(text) && BigInt(text) <= MAX_BIGINT;
  }
  defaultMessage(): string {
    return 'TimeStamp must be a whole number of .NET ticks (a JSON number or a string of digits) below 2^63';
  }
}

/** The envelope, validated with class-validator (rows are checked separately: they can be 10,000). */
class PushNotificationEnvelope {
  @IsString({ message: 'CompanyId is required (a string)' })
  CompanyId: unknown;

  @IsString({ message: 'Query is required (a string)' })
  Query: unknown;

  @IsArray({ message: 'Inserted is required (an array of rows)' })
  Inserted: unknown;

  @IsArray({ message: 'Deleted is required (an array of rows)' })
  Deleted: unknown;

  @IsOptional()
  @IsString({ message: 'Id must be a string' })
  Id: unknown;

  @IsOptional()
  @Validate(IsTicks)
  TimeStamp: unknown;
}

function ticksText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : 'not exact';
  return isLosslessNumber(value) ? value.value : typeof value === 'string' ? value.trim() : undefined;
}

function* readRows(value: unknown, field: 'Inserted' | 'Deleted'): Generator<void, Row[]> {
  if (!Array.isArray(value)) throw invalid(field, `${field} must be an array of rows`);
  for (let index = 0; index < value.length; index++) {
    if (index > 0 && index % ROWS_PER_STEP === 0) yield;
    readRow(value[index], `${field}[${index}]`);
  }
  return value as Row[];
}

function readRow(row: unknown, at: string): void {
  if (!isPlainObject(row)) throw invalid(at, `${at} must be an object of column values`);
  for (const [column, cell] of Object.entries(row)) {
    if (FORBIDDEN_COLUMNS.has(column)) throw invalid(`${at}.${column}`, `${at} has a column named ${JSON.stringify(column)}, which is not allowed`);
    if (column.length === 0 || column.length > MAX_COLUMN_NAME) throw invalid(at, `${at} has a column name of ${column.length} characters (1–${MAX_COLUMN_NAME} allowed)`);
    const columnProblem = textProblem(column);
    if (columnProblem) throw invalid(at, `${at} has a column name (${JSON.stringify(column)}) that ${columnProblem}`);
    if (cell !== null && typeof cell === 'object' && !isLosslessNumber(cell)) {
      throw invalid(`${at}.${column}`, `${at}.${column} must be a scalar (rows are flat)`);
    }
    // Rows are stored as sent, in jsonb: what it cannot hold is refused here, naming the field.
    const cellProblem = typeof cell === 'string' ? textProblem(cell) : isLosslessNumber(cell) && !isStorableNumeric(cell.value) ? 'is a number beyond what can be stored' : undefined;
    if (cellProblem) throw invalid(`${at}.${column}`, `${at}.${column} ${cellProblem}`);
  }
}

/**
 * Reads an Acumatica push notification from the raw body. Required: CompanyId, Query (strings),
 * Inserted, Deleted (arrays of flat rows). Optional: Id, TimeStamp (number or digits),
 * AdditionalInfo and anything else. Every failure names its field; more than `maxRows` rows is a
 * 413 naming the limit, found while parsing. Yields between slices of work.
 */
function* readSteps(text: unknown, limits: ParseLimits): Generator<void, PushNotification> {
  if (typeof text !== 'string' || !/\S/.test(text)) throw invalid('body', 'the body is empty; expected an Acumatica push notification');
  const body = parseQuickly(text, limits) ?? (yield* parseLossless(text, limits));
  if (!isPlainObject(body)) throw invalid('body', 'the body must be a JSON object');
  const envelope = Object.assign(new PushNotificationEnvelope(), {
    CompanyId: body.CompanyId,
    Query: body.Query,
    Inserted: body.Inserted,
    Deleted: body.Deleted,
    Id: body.Id,
    TimeStamp: body.TimeStamp,
  });
  const errors = toFieldErrors(validateSync(envelope));
  if (errors.length) throw new BadRequestError(errors.map((e) => e.message).join('; '), errors);
  const inserted = yield* readRows(body.Inserted, 'Inserted');
  const deleted = yield* readRows(body.Deleted, 'Deleted');
  const ticks = ticksText(body.TimeStamp);
  return {
    companyId: body.CompanyId as string,
    query: body.Query as string,
    id: (body.Id as string | undefined) ?? null,
    timeStamp: ticks === undefined ? null : BigInt(ticks),
    inserted,
    deleted,
  };
}

/** Reads a notification at once (small bodies, tests). See {@link readPushNotification}. */
export function parsePushNotification(text: unknown, limits: ParseLimits = { maxRows: Number.POSITIVE_INFINITY }): PushNotification {
  return runSync(readSteps(text, limits));
}

/**
 * Reads a notification in slices of work, giving the event loop its turn between them, so that a
 * large body never stalls other requests; stops as soon as it holds more than `maxRows` rows.
 */
export function readPushNotification(text: unknown, limits: ParseLimits): Promise<PushNotification> {
  return runInTurns(readSteps(text, limits));
}
