/** Every error code the API can answer with, and its HTTP status. The filter maps exhaustively. */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  misdirected_request: 421,
  rate_limited: 429,
  internal: 500,
  database_unavailable: 503,
  overloaded: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  field: string;
  message: string;
}

/** A failure the client can act on. Services throw these; one filter turns them into problem+json. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extras: { errors?: FieldError[]; headers?: Record<string, string>; body?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class BadRequestError extends DomainError {
  constructor(message: string, errors?: FieldError[]) {
    super(errors ? 'validation_failed' : 'bad_request', message, { errors });
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super('not_found', message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super('conflict', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'This token may not do that.') {
    super('forbidden', message);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Missing or invalid credentials.') {
    super('unauthorized', message, { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(message: string) {
    super('payload_too_large', message);
  }
}

/** The server is busy right now (e.g. too much waiting for one organization): 503 with Retry-After, so senders retry. */
export class OverloadedError extends DomainError {
  constructor(message: string, retryAfterSeconds: number) {
    super('overloaded', message, { headers: { 'Retry-After': String(retryAfterSeconds) } });
  }
}
