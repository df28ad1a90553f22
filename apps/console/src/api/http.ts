/** The API's base path, same origin as the console. */
export const API_BASE = '/v2.0';

export interface FieldError {
  field: string;
  message: string;
}

/** A failed call: the problem+json answer's `detail` (shown verbatim), `status` and field `errors`. */
export class ApiError extends Error {
  constructor(
    readonly detail: string,
    readonly status: number,
    readonly errors: FieldError[] = [],
    readonly title?: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Defaults to the signed-in token. */
  token?: string;
}

type TokenReader = () => string | null;
let readToken: TokenReader = () => null;
let onUnauthorized: () => void = () => undefined;

/** The session tells the API module where the token is and what to do when it is refused. */
export function configureApi(options: { token: TokenReader; unauthorized: () => void }): void {
  readToken = options.token;
  onUnauthorized = options.unauthorized;
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${API_BASE}${path}${search ? `?${search}` : ''}`;
}

/** Calls the API with `Authorization: Bearer`, answers the parsed JSON, throws an ApiError on a non-2xx answer. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const token = options.token ?? readToken();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    throw new ApiError(`The server could not be reached (${error instanceof Error ? error.message : String(error)}).`, 0);
  }
  if (!response.ok) {
    const problem = await toApiError(response);
    if (problem.status === 401 && options.token === undefined) onUnauthorized();
    throw problem;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Reads a problem+json body; an answer that is not one still becomes an ApiError naming the status. */
export async function toApiError(response: Response): Promise<ApiError> {
  const fallback = `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''} without a problem description.`;
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    return new ApiError(fallback, response.status);
  }
  if (!body || typeof body !== 'object') return new ApiError(fallback, response.status);
  const problem = body as { detail?: unknown; title?: unknown; errors?: unknown };
  const detail =
    typeof problem.detail === 'string' && problem.detail ? problem.detail : typeof problem.title === 'string' ? problem.title : fallback;
  const errors = Array.isArray(problem.errors)
    ? problem.errors.filter(
        (e): e is FieldError => !!e && typeof e === 'object' && typeof e.field === 'string' && typeof e.message === 'string',
      )
    : [];
  return new ApiError(detail, response.status, errors, typeof problem.title === 'string' ? problem.title : undefined);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
