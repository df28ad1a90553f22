/**
 * The one place that decides what a database failure means for the caller. Every SQLSTATE class
 * PostgreSQL defines is listed with the answer it gets, and a few codes are singled out; anything
 * not listed (and any class PostgreSQL may add) is a bug of ours: 500.
 *
 * - `bad_request` 400: the request holds a value the database cannot store.
 * - `not_found` 404: what the request refers to was deleted while it was in flight.
 * - `conflict` 409: the request collides with data that exists.
 * - `unavailable` 503 with `Retry-After`: the database is unreachable, overloaded or out of a
 *   resource right now; the same request may succeed later.
 * - `internal` 500: a bug (bad SQL, a constraint our validation should have caught, …).
 */
export type DatabaseFailureKind = 'bad_request' | 'not_found' | 'conflict' | 'unavailable' | 'internal';

/** SQLSTATE class (the first two characters) → answer. Every class in PostgreSQL's appendix A. */
export const SQLSTATE_CLASSES: Readonly<Record<string, DatabaseFailureKind>> = {
  '00': 'internal', // successful completion (never an error)
  '01': 'internal', // warning
  '02': 'internal', // no data
  '03': 'internal', // SQL statement not yet complete
  '08': 'unavailable', // connection exception
  '09': 'internal', // triggered action exception
  '0A': 'internal', // feature not supported
  '0B': 'internal', // invalid transaction initiation
  '0F': 'internal', // locator exception
  '0L': 'internal', // invalid grantor
  '0P': 'internal', // invalid role specification
  '0Z': 'internal', // diagnostics exception
  '20': 'internal', // case not found
  '21': 'internal', // cardinality violation
  '22': 'bad_request', // data exception: a value out of range, untranslatable, malformed
  '23': 'internal', // integrity constraint violation: only the codes below are expected
  '24': 'internal', // invalid cursor state
  '25': 'internal', // invalid transaction state (25P03 below)
  '26': 'internal', // invalid SQL statement name
  '27': 'internal', // triggered data change violation
  '28': 'unavailable', // invalid authorization specification (the database refuses our login)
  '2B': 'internal', // dependent privilege descriptors still exist
  '2D': 'internal', // invalid transaction termination
  '2F': 'internal', // SQL routine exception
  '34': 'internal', // invalid cursor name
  '38': 'internal', // external routine exception
  '39': 'internal', // external routine invocation exception
  '3B': 'internal', // savepoint exception
  '3D': 'unavailable', // invalid catalog name (the database is not there)
  '3F': 'internal', // invalid schema name
  '40': 'unavailable', // transaction rollback: deadlock, serialization failure (retried first)
  '42': 'internal', // syntax error or access rule violation
  '44': 'internal', // WITH CHECK OPTION violation
  '53': 'unavailable', // insufficient resources: disk full, out of memory, too many connections
  '54': 'bad_request', // program limit exceeded: e.g. an index row too large for a value sent
  '55': 'unavailable', // object not in prerequisite state: lock not available, object in use
  '57': 'unavailable', // operator intervention: statement timeout, cancel, shutdown
  '58': 'unavailable', // system error: I/O
  '72': 'unavailable', // snapshot too old
  F0: 'internal', // configuration file error
  HV: 'internal', // foreign data wrapper error
  P0: 'internal', // PL/pgSQL error
  XX: 'internal', // internal error (data corrupted, index corrupted)
};

/** Codes whose answer differs from their class's. */
export const SQLSTATE_CODES: Readonly<Record<string, DatabaseFailureKind>> = {
  '23503': 'not_found', // foreign key violation: the solution/organization/table was deleted meanwhile
  '23505': 'conflict', // unique violation
  '23P01': 'conflict', // exclusion violation
  '25P03': 'unavailable', // idle-in-transaction timeout: the session was closed under us
};

/** Node and pg-pool error codes that mean "cannot reach the database". */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNABORTED']);

/** Transaction rollbacks worth running the whole transaction again for. */
const TRANSIENT_CONFLICTS = new Set(['40001', '40P01']);

export interface DatabaseFailure {
  kind: DatabaseFailureKind;
  /** The SQLSTATE (or network code) when there is one. */
  code?: string;
}

function errorCode(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code ?? (error as { driverError?: { code?: unknown } }).driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

const UNREACHABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED|Connection is not established|terminating connection due to administrator command|the database system is (starting up|shutting down)|Cannot use a pool after calling end/i;

/** What a thrown value means as a database failure, or undefined when it is not one. */
export function classifyDatabaseError(error: unknown): DatabaseFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = errorCode(error);
  if (code !== undefined) {
    if (NETWORK_CODES.has(code)) return { kind: 'unavailable', code };
    if (/^[0-9A-Z]{5}$/.test(code)) return { kind: SQLSTATE_CODES[code] ?? SQLSTATE_CLASSES[code.slice(0, 2)] ?? 'internal', code };
  }
  // TypeORM gives up on a transaction whose connection died under it.
  if (error.name === 'QueryRunnerProviderAlreadyReleasedError' || error.name === 'QueryRunnerAlreadyReleasedError')
    return { kind: 'unavailable' };
  if (UNREACHABLE_MESSAGE.test(error.message)) return { kind: 'unavailable' };
  return undefined;
}

/** A deadlock or serialization failure: running the same transaction again is expected to succeed. */
export function isTransientConflict(error: unknown): boolean {
  const failure = classifyDatabaseError(error);
  return failure?.code !== undefined && TRANSIENT_CONFLICTS.has(failure.code);
}
