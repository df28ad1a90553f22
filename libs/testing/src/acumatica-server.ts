import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** A failure the next OData GI request meets (one entry per request, in order). */
export type AcumaticaFault = 'expire-token' | '429' | '500' | 'non-json' | 'hang';

export interface FakeAcumaticaOptions {
  tenant?: string;
  clientId?: string;
  clientSecret?: string;
  username?: string;
  password?: string;
  /** API sessions the "licence" allows at once (per instance); a sign-in beyond gets 429 + Retry-After. */
  maxSessions?: number;
}

export interface FakeAcumaticaStats {
  logins: number;
  logouts: number;
  /** Sessions ended by the server (an expired token), not by a logout. */
  expired: number;
  open: number;
  /** Most sessions open at the same time. */
  maxOpen: number;
  /** Sign-ins refused (credentials or the licence limit). */
  refusedLogins: number;
  giRequests: number;
  rowsServed: number;
}

/**
 * A small Acumatica-compatible server for tests and the bench: the ROPC token endpoint with RFC
 * 6749 errors, the OData service document and GI endpoint (`$top`/`$skip`/`$orderby`, answers
 * `{"@odata.context", "value"}`), logout; with faults (expired token mid-read, 429 + Retry-After,
 * 500, slow pages, non-JSON, a licence limit on concurrent sessions). It counts sessions.
 */
export class FakeAcumatica {
  readonly tenant: string;
  readonly credentials: { clientId: string; clientSecret: string; username: string; password: string };
  /** Rows per Generic Inquiry. */
  readonly inquiries = new Map<string, Record<string, unknown>[]>();
  /** Faults for the next GI requests, consumed in order. */
  readonly faults: AcumaticaFault[] = [];
  /** Delay before each GI answer (a slow instance). */
  pageDelayMs = 0;
  /** Called before a GI page is answered (tests use it to act while a reload runs). */
  onPage: ((skip: number) => void | Promise<void>) | undefined;
  readonly stats: FakeAcumaticaStats = {
    logins: 0,
    logouts: 0,
    expired: 0,
    open: 0,
    maxOpen: 0,
    refusedLogins: 0,
    giRequests: 0,
    rowsServed: 0,
  };
  maxSessions: number;
  private readonly sessions = new Set<string>();
  private readonly hanging = new Set<ServerResponse>();
  private server!: Server;
  url = '';

  private constructor(options: FakeAcumaticaOptions) {
    this.tenant = options.tenant ?? 'Company';
    this.credentials = {
      clientId: options.clientId ?? 'tablecast-client@Company',
      clientSecret: options.clientSecret ?? 'client-secret-' + randomBytes(6).toString('hex'),
      username: options.username ?? 'admin',
      password: options.password ?? 'password-' + randomBytes(6).toString('hex'),
    };
    this.maxSessions = options.maxSessions ?? 2;
  }

  static async start(options: FakeAcumaticaOptions = {}): Promise<FakeAcumatica> {
    const fake = new FakeAcumatica(options);
    fake.server = createServer((req, res) => {
      fake.handle(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** `count` rows `{Key, Name, Amount}` keyed K00000001…, optionally padded like Acumatica's keys. */
  static rows(count: number, pad = false): Record<string, unknown>[] {
    return Array.from({ length: count }, (_, i) => {
      const key = `K${String(i + 1).padStart(8, '0')}`;
      return { CustomerID: pad ? `${key}   ` : key, Name: `Customer ${i + 1}`, Amount: i % 1000 };
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readBody(req);
    if (req.method === 'POST' && url.pathname === '/identity/connect/token') return this.token(body, res);
    if (req.method === 'POST' && url.pathname === '/entity/auth/logout') return this.logout(req, res);
    const prefix = `/t/${encodeURIComponent(this.tenant)}/api/odata`;
    if (req.method === 'GET' && (url.pathname === prefix || url.pathname === `${prefix}/`)) {
      if (!this.authorized(req)) return json(res, 401, { message: 'You are not logged in.' });
      return json(res, 200, {
        '@odata.context': `${this.url}${prefix}/$metadata`,
        value: [...this.inquiries.keys()].map((name) => ({ name, kind: 'EntitySet', url: `gi/${name}` })),
      });
    }
    if (req.method === 'GET' && url.pathname.startsWith(`${prefix}/gi/`))
      return this.page(req, url, decodeURIComponent(url.pathname.slice(prefix.length + 4)), res);
    json(res, 404, { message: 'not found' });
  }

  private token(body: string, res: ServerResponse): void {
    const form = new URLSearchParams(body);
    const c = this.credentials;
    if (form.get('grant_type') !== 'password') return this.refuse(res, 400, 'unsupported_grant_type', 'grant_type must be password');
    if (form.get('client_id') !== c.clientId || form.get('client_secret') !== c.clientSecret)
      return this.refuse(res, 400, 'invalid_client', 'unknown client');
    if (form.get('username') !== c.username || form.get('password') !== c.password)
      return this.refuse(res, 400, 'invalid_grant', 'invalid_username_or_password');
    if (form.get('scope') !== 'api') return this.refuse(res, 400, 'invalid_scope', 'scope must be api');
    if (this.sessions.size >= this.maxSessions) {
      this.stats.refusedLogins++;
      res.setHeader('retry-after', '1');
      return json(res, 429, { message: 'API Login Limit' });
    }
    const token = randomBytes(16).toString('hex');
    this.sessions.add(token);
    this.stats.logins++;
    this.stats.open = this.sessions.size;
    this.stats.maxOpen = Math.max(this.stats.maxOpen, this.sessions.size);
    json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
  }

  private refuse(res: ServerResponse, status: number, error: string, description: string): void {
    this.stats.refusedLogins++;
    json(res, status, { error, error_description: description });
  }

  private logout(req: IncomingMessage, res: ServerResponse): void {
    const token = bearer(req);
    if (token && this.sessions.delete(token)) {
      this.stats.logouts++;
      this.stats.open = this.sessions.size;
    }
    res.statusCode = 204;
    res.end();
  }

  private authorized(req: IncomingMessage): boolean {
    const token = bearer(req);
    return token !== undefined && this.sessions.has(token);
  }

  private async page(req: IncomingMessage, url: URL, name: string, res: ServerResponse): Promise<void> {
    this.stats.giRequests++;
    if (!this.authorized(req)) return json(res, 401, { message: 'You are not logged in.' });
    const fault = this.faults.shift();
    if (fault === 'expire-token') {
      this.sessions.delete(bearer(req)!);
      this.stats.expired++;
      this.stats.open = this.sessions.size;
      return json(res, 401, { message: 'You are not logged in.' });
    }
    if (fault === '429') {
      res.setHeader('retry-after', '1');
      return json(res, 429, { message: 'Too many requests' });
    }
    if (fault === '500') return json(res, 500, { message: 'An error has occurred.' });
    if (fault === 'non-json') {
      res.setHeader('content-type', 'text/html');
      res.end('<html><body>Maintenance</body></html>');
      return;
    }
    if (fault === 'hang') {
      this.hanging.add(res);
      return;
    }
    const rows = this.inquiries.get(name);
    if (!rows) return json(res, 404, { message: `No Generic Inquiry ${name}` });
    if (this.pageDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.pageDelayMs));
    const skip = Number(url.searchParams.get('$skip') ?? 0);
    if (this.onPage) await this.onPage(skip);
    const top = Number(url.searchParams.get('$top') ?? rows.length);
    const order = (url.searchParams.get('$orderby') ?? '').split(',').filter(Boolean);
    const sorted = order.length ? [...rows].sort((a, b) => compareBy(a, b, order)) : rows;
    const value = sorted.slice(skip, skip + top);
    this.stats.rowsServed += value.length;
    json(res, 200, { '@odata.context': `${this.url}/t/${this.tenant}/api/odata/gi/$metadata#${name}`, value });
  }
}

function compareBy(a: Record<string, unknown>, b: Record<string, unknown>, fields: string[]): number {
  for (const field of fields) {
    const x = String(a[field] ?? '');
    const y = String(b[field] ?? '');
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
