import { checkedLookup, hostOf, isPublicAddress } from '@tablecast/common';
import { isIP } from 'node:net';
import { DelegateBackoff, handleWhen, IRetryBackoffContext, retry, RetryPolicy } from 'cockatiel';
import { parse as parseLossless } from 'lossless-json';
import { Agent, request } from 'undici';

/** Why a talk with Acumatica failed: `acumatica_auth` (credentials refused), `acumatica_http`, `acumatica_response` (not the documented JSON), `acumatica_unreachable`. */
export type AcumaticaErrorCode = 'acumatica_auth' | 'acumatica_http' | 'acumatica_response' | 'acumatica_unreachable' | 'cancelled';

/** A failure with a message that names the step and never a secret. */
export class AcumaticaError extends Error {
  constructor(
    readonly code: AcumaticaErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface AcumaticaCredentials {
  instanceUrl: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

export interface ClientOptions {
  allowPrivate: boolean;
  /** Per request: no answer within it is a timeout (retried). */
  timeoutMs: number;
  /** Attempts per request for 429, 5xx and timeouts. */
  attempts: number;
  /** First backoff; doubled per attempt, capped at 30 s; a Retry-After overrides it. */
  backoffMs: number;
}

const MAX_BACKOFF_MS = 30_000;
const MAX_ERROR_TEXT = 200;

interface Answer {
  status: number;
  text: string;
  retryAfter: string | undefined;
}

function isRetryable(answer: Answer): boolean {
  return answer.status === 429 || answer.status >= 500;
}

function isPrivateTarget(error: unknown): boolean {
  return (
    String((error as { code?: string }).code) === 'EPRIVATETARGET' ||
    (error as { cause?: { code?: string } }).cause?.code === 'EPRIVATETARGET'
  );
}

/** The retry policy waits out its backoff even when the signal fires: a cancel must not wait for it. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, cancelled: () => Error): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The three Acumatica calls of CONTRACT section 7, over the SSRF-checked resolver. */
export class AcumaticaHttp {
  private readonly agent: Agent;

  /** Retries what failed in transit (not our own AcumaticaErrors) and answers 429/5xx, up to `attempts` in all. */
  private readonly retries: RetryPolicy;

  constructor(private readonly options: ClientOptions) {
    this.retries = retry(
      handleWhen((error) => !(error instanceof AcumaticaError)).orWhenResult((answer) => isRetryable(answer as Answer)),
      {
        maxAttempts: Math.max(options.attempts - 1, 0),
        backoff: new DelegateBackoff<IRetryBackoffContext<unknown>>((context) =>
          this.backoff(context.attempt, 'value' in context.result ? (context.result.value as Answer).retryAfter : undefined),
        ),
      },
    ).dangerouslyUnref(); // a cancelled call leaves a pending backoff behind: it must not keep a process alive
    this.agent = new Agent({ connect: { timeout: 5_000, lookup: checkedLookup(options.allowPrivate) as never }, keepAliveTimeout: 4_000 });
  }

  /** Signs in (ROPC); the session must be closed with {@link AcumaticaSession.close}. */
  async open(credentials: AcumaticaCredentials, signal?: AbortSignal): Promise<AcumaticaSession> {
    const session = new AcumaticaSession(this, credentials, signal);
    await session.signIn();
    return session;
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  /** One request with retries on 429, 5xx and timeouts (backoff, Retry-After honoured). */
  async send(
    step: string,
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string },
    signal?: AbortSignal,
  ): Promise<Answer> {
    const host = hostOf(new URL(url));
    if (isIP(host) && !this.options.allowPrivate && !isPublicAddress(host)) {
      throw new AcumaticaError(
        'acumatica_unreachable',
        `${step}: ${host} is not a public address (set ALLOW_PRIVATE_NETWORK=true for on-premises instances)`,
      );
    }
    const cancelled = () => new AcumaticaError('cancelled', `${step}: cancelled`);
    let attempts = 0;
    const attempt = async (): Promise<Answer> => {
      attempts++;
      if (signal?.aborted) throw cancelled();
      try {
        return await this.once(url, init, signal);
      } catch (error) {
        if (signal?.aborted) throw cancelled();
        if (isPrivateTarget(error))
          throw new AcumaticaError('acumatica_unreachable', `${step}: ${describe(error, this.options.timeoutMs)}`);
        throw error;
      }
    };
    let answer: Answer;
    try {
      answer = await untilAborted(this.retries.execute(attempt, signal), signal, cancelled);
    } catch (error) {
      if (error instanceof AcumaticaError) throw error;
      throw new AcumaticaError('acumatica_unreachable', `${step}: ${describe(error, this.options.timeoutMs)} (after ${attempts} attempts)`);
    }
    if (isRetryable(answer)) throw new AcumaticaError('acumatica_http', `${step}: HTTP ${answer.status} (after ${attempts} attempts)`);
    return answer;
  }

  private backoff(attempt: number, retryAfter: string | undefined): number {
    const seconds = retryAfter === undefined ? NaN : Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_BACKOFF_MS);
    const date = retryAfter === undefined ? NaN : Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.min(Math.max(date - Date.now(), 0), MAX_BACKOFF_MS);
    return Math.min(this.options.backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
  }

  private async once(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string },
    signal?: AbortSignal,
  ): Promise<Answer> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const res = await request(url, {
      method: init.method as 'GET' | 'POST',
      headers: { 'user-agent': 'Tablecast-Acumatica/1', ...init.headers },
      body: init.body,
      dispatcher: this.agent,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
    });
    const text = await res.body.text();
    const retryAfter = res.headers['retry-after'];
    return { status: res.statusCode, text, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter };
  }
}

/** One signed-in API session. `close()` signs out and never throws. */
export class AcumaticaSession {
  private token: string | undefined;
  private readonly base: string;

  constructor(
    private readonly http: AcumaticaHttp,
    private readonly credentials: AcumaticaCredentials,
    private readonly signal?: AbortSignal,
  ) {
    this.base = credentials.instanceUrl.replace(/\/+$/, '');
  }

  get signedIn(): boolean {
    return this.token !== undefined;
  }

  async signIn(): Promise<void> {
    const c = this.credentials;
    const body = new URLSearchParams({
      grant_type: 'password',
      client_id: c.clientId,
      client_secret: c.clientSecret,
      username: c.username,
      password: c.password,
      scope: 'api',
    }).toString();
    const step = 'sign-in (POST /identity/connect/token)';
    const answer = await this.http.send(
      step,
      `${this.base}/identity/connect/token`,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body },
      this.signal,
    );
    if (answer.status === 400 || answer.status === 401 || answer.status === 403) {
      const parsed = tryJson(answer.text) as { error?: unknown; error_description?: unknown } | undefined;
      const reason = typeof parsed?.error === 'string' ? parsed.error : `HTTP ${answer.status}`;
      const description = typeof parsed?.error_description === 'string' ? `: ${parsed.error_description.slice(0, MAX_ERROR_TEXT)}` : '';
      throw new AcumaticaError(
        'acumatica_auth',
        `${step} refused the credentials of user ${JSON.stringify(c.username)} and client ${JSON.stringify(c.clientId)} (${reason}${description})`,
      );
    }
    if (answer.status !== 200) throw new AcumaticaError('acumatica_http', `${step}: HTTP ${answer.status}`);
    const parsed = tryJson(answer.text) as { access_token?: unknown } | undefined;
    if (!parsed || typeof parsed.access_token !== 'string' || parsed.access_token === '') {
      throw new AcumaticaError('acumatica_response', `${step}: the answer is not JSON with an access_token (${contentHint(answer.text)})`);
    }
    this.token = parsed.access_token;
  }

  /** `GET /t/{tenant}/api/odata/gi/{gi}?$top&$skip&$orderby`: one page of rows; a 401 signs in again once. */
  async readPage(genericInquiry: string, orderBy: string[], top: number, skip: number): Promise<Record<string, unknown>[]> {
    const query = `$top=${top}&$skip=${skip}&$orderby=${encodeURIComponent(orderBy.join(','))}`;
    const path = `/t/${encodeURIComponent(this.credentials.tenant)}/api/odata/gi/${encodeURIComponent(genericInquiry)}?${query}`;
    const step = `reading page at $skip=${skip} of ${JSON.stringify(genericInquiry)}`;
    const value = (await this.getJson(step, path)).value;
    if (!Array.isArray(value) || value.some((row) => typeof row !== 'object' || row === null || Array.isArray(row))) {
      throw new AcumaticaError('acumatica_response', `${step}: the answer's "value" is not an array of rows`);
    }
    return value as Record<string, unknown>[];
  }

  /** `GET /t/{tenant}/api/odata`: the service document (connection test). */
  async serviceDocument(): Promise<void> {
    await this.getJson('reading the OData service document', `/t/${encodeURIComponent(this.credentials.tenant)}/api/odata`);
  }

  /** `POST /entity/auth/logout`, always; failures are returned (for the log), never thrown. */
  async close(): Promise<string | undefined> {
    if (!this.token) return undefined;
    const token = this.token;
    this.token = undefined;
    try {
      const answer = await this.http.send('sign-out (POST /entity/auth/logout)', `${this.base}/entity/auth/logout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      });
      return answer.status >= 200 && answer.status < 300 ? undefined : `sign-out answered HTTP ${answer.status}`;
    } catch (error) {
      return (error as Error).message;
    }
  }

  private async getJson(step: string, path: string): Promise<Record<string, unknown>> {
    for (let relogin = 0; ; relogin++) {
      const answer = await this.http.send(
        step,
        `${this.base}${path}`,
        { method: 'GET', headers: { authorization: `Bearer ${this.token ?? ''}`, accept: 'application/json' } },
        this.signal,
      );
      if (answer.status === 401 && relogin === 0) {
        // The token expired mid-read: sign in again, once. The old session is gone on the server.
        this.token = undefined;
        await this.signIn();
        continue;
      }
      if (answer.status === 401) throw new AcumaticaError('acumatica_auth', `${step}: HTTP 401 again after signing in anew`);
      if (answer.status !== 200) throw new AcumaticaError('acumatica_http', `${step}: HTTP ${answer.status}`);
      // Numbers stay exact (decimals, big integers), as in pushed rows.
      const parsed = tryJson(answer.text, parseLossless);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new AcumaticaError('acumatica_response', `${step}: the answer is not a JSON object (${contentHint(answer.text)})`);
      }
      return parsed as Record<string, unknown>;
    }
  }
}

function tryJson(text: string, parse: (text: string) => unknown = JSON.parse): unknown {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

function contentHint(text: string): string {
  const start = text.trimStart().slice(0, 40).replace(/\s+/g, ' ');
  return text.length === 0 ? 'empty body' : `it starts with ${JSON.stringify(start)}`;
}

function describe(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; message?: string; code?: string; cause?: { message?: string; code?: string } };
  if (err.name === 'TimeoutError' || err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT')
    return `no answer within ${timeoutMs} ms`;
  const cause = err.cause?.message ? ` (${err.cause.message})` : '';
  return `${err.code ? `${err.code}: ` : ''}${err.message ?? String(error)}${cause}`.slice(0, MAX_ERROR_TEXT);
}
