import { runMigrations } from '../libs/database/src/migrate';
import { startEmbeddedPostgres } from '../libs/database/src/embedded-postgres';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export const BENCH_ADMIN_TOKEN = 'bench-operator-token-0123456789abcdefghij';

export interface BenchDatabase {
  url: string;
  /** How it was provided, for the report. */
  kind: 'DATABASE_URL' | 'embedded';
  close(): Promise<void>;
}

/**
 * A fresh, migrated database: `tablecast_bench_<random>` on the DATABASE_URL server (dropped on
 * close), or a throw-away embedded PostgreSQL (stopped and deleted on close).
 */
export async function startDatabase(): Promise<BenchDatabase> {
  const database = process.env.DATABASE_URL ? await createServerDatabase(process.env.DATABASE_URL) : await startEmbedded();
  try {
    await runMigrations(database.url, { poolSize: 2, connectTimeoutMs: 5000 });
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

async function createServerDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `tablecast_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: 'DATABASE_URL',
    close: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function startEmbedded(): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'tablecast-bench-'));
  try {
    const pg = await startEmbeddedPostgres({ dir, persistent: false, database: 'tablecast_bench' });
    return {
      url: pg.url,
      kind: 'embedded',
      close: async () => {
        await pg.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface HttpAnswer {
  status: number;
  body: any;
  text: string;
}

/** One HTTP request; the body is sent as given (a string) or as JSON. Never throws on status. */
export async function http(method: string, url: string, token: string, body?: unknown): Promise<HttpAnswer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, text };
}

export interface BenchSession {
  organizationId: string;
  solutionId: string;
  /** A PAT of the organization with all scopes. */
  token: string;
  /** e.g. http://127.0.0.1:41234/v2.0/tool/organizations/:org/solutions/:sol */
  solutionUrl: string;
}

/** Operator flow through the real API, like test/support/session.ts: organization → solution → token. */
export async function createSession(api: string): Promise<BenchSession> {
  const expect201 = (what: string, answer: HttpAnswer) => {
    if (answer.status !== 201) throw new Error(`create ${what}: HTTP ${answer.status} ${answer.text}`);
    return answer.body;
  };
  const org = expect201('organization', await http('POST', `${api}/tool/organizations`, BENCH_ADMIN_TOKEN, { name: 'Bench' }));
  const orgUrl = `${api}/tool/organizations/${org.id}`;
  const solution = expect201('solution', await http('POST', `${orgUrl}/solutions`, BENCH_ADMIN_TOKEN, { name: 'Bench solution' }));
  const token = expect201('token', await http('POST', `${orgUrl}/tokens`, BENCH_ADMIN_TOKEN, { name: 'bench' }));
  return { organizationId: org.id, solutionId: solution.id, token: token.token, solutionUrl: `${orgUrl}/solutions/${solution.id}` };
}

/** `count` more PATs of the organization (a token may hold at most 1,000 sockets per node). */
export async function createTokens(api: string, organizationId: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await http('POST', `${api}/tool/organizations/${organizationId}/tokens`, BENCH_ADMIN_TOKEN, { name: `bench-${i + 1}` });
    if (answer.status !== 201) throw new Error(`create token: HTTP ${answer.status} ${answer.text}`);
    tokens.push(answer.body.token);
  }
  return tokens;
}

/** .NET ticks as digits, beyond 2^53, like Acumatica's TimeStamp. */
export function ticks(n: number): string {
  return String(638780000000000000n + BigInt(n));
}

/** A push notification body as Acumatica sends it, with TimeStamp written as raw digits. */
export function notificationBody(inserted: object[], id: string, timeStamp: string): string {
  return `{"Inserted":${JSON.stringify(inserted)},"Deleted":[],"Query":"IN-StockItems","CompanyId":"BenchCo","Id":${JSON.stringify(id)},"TimeStamp":${timeStamp},"AdditionalInfo":{}}`;
}

/** One stock-item row, shaped like the 10,000-row end-to-end test. */
export function stockItem(key: string, index: number, version = 0): Record<string, unknown> {
  return {
    InventoryID: key,
    Descr: version ? `Item ${index} v${version}` : `Item ${index}`,
    Qty: index + version,
    _tab: 'StockItem',
    _del: false,
    _mod: '2025-03-20T09:22:24.573',
  };
}
