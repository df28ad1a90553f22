import { isLosslessNumber, LosslessNumber } from 'lossless-json';
import { BadRequestError, DomainError, isStorableNumeric, textProblem, toFieldErrors } from '@tablecast/common';
import { IsArray, IsOptional, IsString, Validate, validateSync, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { ParseLimits, parseSteps, runInTurns, runSync, TooManyRowsError, UnreadableJsonError } from './push-notification-parser';

/** A row of the Generic Inquiry: flat, column → scalar (numbers kept exactly as sent). */
export type Row = Record<string, string | boolean | null | LosslessNumber>;

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
  const body = yield* parseLossless(text, limits);
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
