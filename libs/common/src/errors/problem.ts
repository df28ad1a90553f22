import { HttpException } from '@nestjs/common';
import { classifyDatabaseError, DatabaseFailureKind } from '@tablecast/database';
import { DomainError, ERROR_STATUS, FieldError } from './domain.errors';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

export interface Problem {
  status: number;
  body: ProblemBody;
  headers: Record<string, string>;
  /** True when the failure is ours (a bug): log it with its stack. */
  unexpected: boolean;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  421: 'Misdirected Request',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function problem(
  status: number,
  detail: string,
  extras: { headers?: Record<string, string>; unexpected?: boolean; errors?: FieldError[]; body?: Record<string, unknown> } = {},
): Problem {
  const title = TITLES[status] ?? 'Error';
  const body: ProblemBody = {
    type: `https://tablecast.dev/problems/${title.toLowerCase().replace(/ /g, '-')}`,
    title,
    status,
    detail,
    ...(extras.errors ? { errors: extras.errors } : {}),
    ...(extras.body ?? {}),
  };
  return { status, body, headers: extras.headers ?? {}, unexpected: extras.unexpected ?? false };
}

/** Errors raised by Express's body parser (raw-body) carry a `type` and a `status`. */
interface BodyParserError extends Error {
  type: string;
  status?: number;
  limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    error instanceof Error && typeof (error as BodyParserError).type === 'string' && typeof (error as BodyParserError).status === 'number'
  );
}

/** How each kind of database failure is answered (libs/database decides which failure is which kind). */
const DATABASE_PROBLEMS: Record<Exclude<DatabaseFailureKind, 'internal'>, () => Problem> = {
  bad_request: () => problem(400, 'The request holds a value the database cannot store.'),
  not_found: () => problem(404, 'The organization, solution or table was deleted while this request was in flight.'),
  conflict: () => problem(409, 'The request conflicts with data that exists; reload and retry.'),
  unavailable: () => problem(503, 'The database is unavailable or overloaded; retry later.', { headers: { 'Retry-After': '5' } }),
};

/**
 * Maps any thrown value to problem+json. Never exposes a stack, SQL text or a credential. An
 * unexpected failure (500) carries `requestId` when one is given, so a report can be matched to the log.
 */
export function toProblem(error: unknown, context: { requestId?: string } = {}): Problem {
  const result = classify(error);
  if (result.status === 500 && context.requestId !== undefined) result.body.requestId = context.requestId;
  return result;
}

function classify(error: unknown): Problem {
  if (error instanceof DomainError) {
    return problem(ERROR_STATUS[error.code], error.message, {
      errors: error.extras.errors,
      headers: error.extras.headers,
      body: error.extras.body,
    });
  }
  const failure = classifyDatabaseError(error);
  if (failure && failure.kind !== 'internal') return DATABASE_PROBLEMS[failure.kind]();
  if (failure) return problem(500, 'An unexpected error occurred.', { unexpected: true });
  if (isBodyParserError(error)) {
    switch (error.type) {
      case 'entity.parse.failed':
        return problem(400, 'The body is not valid JSON.');
      case 'entity.too.large':
        return problem(413, `The body is larger than the limit of ${error.limit} bytes.`);
      case 'charset.unsupported':
      case 'encoding.unsupported':
        return problem(415, 'The body uses an unsupported charset or content encoding.');
      case 'request.aborted':
      case 'request.size.invalid':
        return problem(400, 'The body was incomplete.');
      default:
        return problem(error.status && error.status < 500 ? error.status : 400, 'The body could not be read.');
    }
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
    const headers: Record<string, string> = status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
    return problem(status, detail, { headers, unexpected: status >= 500 });
  }
  return problem(500, 'An unexpected error occurred.', { unexpected: true });
}
