/**
 * Property-based fuzzing of the real app (booted in-process, real PostgreSQL) with fast-check:
 * hostile push notifications, admin bodies, query strings and socket messages. Whatever arrives,
 * the server never answers 5xx, every 4xx is problem+json, a rejected notification leaves no trace,
 * every socket message is acked, and the process stays healthy.
 *
 * Cases per run (numRuns, summed over the concurrent workers of each property):
 * CDC 2,000 + admin bodies 1,200 + query strings 1,000 + socket messages 1,000 = 5,200.
 *
 * A run prints its seed (`fuzz seed: N`); FUZZ_SEED=N replays it. A failure stops at the first
 * counterexample (no shrinking against a live server) and names the request that failed.
 */
import fc from 'fast-check';
import { Client } from 'pg';
import { waitFor } from '@tablecast/testing';
import { notification } from '../support/acumatica';
import { connect, TableClient } from '../support/socket';
import { bootTestApp, TEST_ADMIN_TOKEN, TestApp } from '../support/test-app';
import { createSession, Session } from '../support/session';

const RUNS = { cdc: 2000, admin: 1200, query: 1000, socket: 1000 };
/** Concurrent workers per property: the server and PostgreSQL overlap their waits. */
const WORKERS = 4;
const REQUEST_TIMEOUT_MS = 20_000;
const ACK_TIMEOUT_MS = 5000;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);

jest.setTimeout(120_000);

/**
 * Runs `numRuns` cases of a property split over WORKERS concurrent fast-check runners (worker i
 * gets seed SEED + offset + i), and fails with the seed and the first counterexample's error.
 */
async function checkConcurrently<Ts extends [unknown, ...unknown[]]>(
  numRuns: number,
  seedOffset: number,
  propertyOf: (worker: number) => fc.IAsyncPropertyWithHooks<Ts>,
): Promise<void> {
  const share = Math.ceil(numRuns / WORKERS);
  const results = await Promise.all(
    Array.from({ length: WORKERS }, (_, worker) =>
      fc.check(propertyOf(worker), { numRuns: Math.min(share, numRuns - worker * share), seed: SEED + seedOffset + worker, endOnFailure: true }),
    ),
  );
  const failed = results.find((details) => details.failed);
  if (failed) {
    const error = failed.errorInstance instanceof Error ? failed.errorInstance.message : String(failed.errorInstance);
    throw new Error(`property failed (FUZZ_SEED=${SEED}, worker seed ${failed.seed}, path ${failed.counterexamplePath}):\n${error.slice(0, 3000)}`);
  }
  expect(results.reduce((sum, details) => sum + details.numRuns, 0)).toBe(numRuns);
}

/** Percent-encodes the UTF-8 bytes of any string (encodeURIComponent throws on lone surrogates). */
function encode(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((byte) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** `arbitrary`, or null (the field is left out) in `absentPercent` % of cases. */
/** Whether a value holds binary data anywhere (what makes socket.io-client send a binary packet). */
function containsBinary(value: unknown, depth = 0): boolean {
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return true;
  if (value === null || typeof value !== 'object' || depth > 4) return false;
  return Object.values(value).some((inner) => containsBinary(inner, depth + 1));
}

const maybe = <T>(arbitrary: fc.Arbitrary<T>, absentPercent: number): fc.Arbitrary<T | null> =>
  fc.oneof({ arbitrary, weight: 100 - absentPercent }, { arbitrary: fc.constant(null), weight: absentPercent });

// ---------------------------------------------------------------------------------------------
// Hostile building blocks. Generators produce JSON *text*, so that numbers beyond double
// precision, duplicate keys, "__proto__" keys and escapes reach the server exactly as written.
// ---------------------------------------------------------------------------------------------

const SQL_FRAGMENTS = [
  "'; DROP TABLE records; --",
  "' OR '1'='1",
  '"; SELECT pg_sleep(5); --',
  '1); DELETE FROM changes; --',
  '$1::jsonb',
  "E'\\\\x00'",
  '/* */ UNION SELECT token_hash FROM access_tokens --',
  '\\',
  '%',
  '_',
];
const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\ud83d\ude00',
  '\u202e',
  '\ufeff',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e400',
  '18446744073709551616',
  '9223372036854775808',
  '0x10',
  ' 42 ',
  'true',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'prototype',
  '../../etc/passwd',
  '\r\nX-Injected: 1',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${process.exit()}',
  ...SQL_FRAGMENTS,
];
/** Number literals as raw JSON text, including ones no double (or PostgreSQL numeric) can hold. */
const RAW_NUMBERS = [
  '0',
  '-0',
  '1.5',
  '18446744073709551616', // 2^64
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775809',
  '638412345678901234',
  '1e400',
  '-1e400',
  '1e-400',
  '1e131072',
  '1e1000000',
  '1e-1000000',
  '0e-99999',
  '0.1e-16384',
  '123456789012345678901234567890.123456789012345678901234567890',
  '1E+2',
];
/** Not JSON at all, but what a naive serializer would write. */
const INVALID_NUMBERS = ['NaN', 'Infinity', '-Infinity', '01', '+1', '.5', '1.', '0x10', '1e', '--1'];

const hostileString = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
  { arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1000, maxLength: 3000 }), weight: 1 },
);
/** Hostile strings short enough for a URL (Node refuses request lines over 16 KiB with a bare 431). */
const urlString = hostileString.map((value) => value.slice(0, 1500));
/** A JSON string literal; JSON.stringify writes lone surrogates and NUL as \u escapes. */
const stringText = hostileString.map((value) => JSON.stringify(value));
const numberText = fc.oneof(
  { arbitrary: fc.constantFrom(...RAW_NUMBERS), weight: 3 },
  { arbitrary: fc.integer().map(String), weight: 2 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)), weight: 2 },
  { arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String), weight: 1 },
);
const scalarOf = (strings: fc.Arbitrary<string>) =>
  fc.oneof(
    { arbitrary: strings, weight: 16 },
    { arbitrary: numberText, weight: 8 },
    { arbitrary: fc.constantFrom('true', 'false', 'null'), weight: 4 },
    { arbitrary: fc.constantFrom(...INVALID_NUMBERS), weight: 1 },
  );
const scalarText = scalarOf(stringText);
/** Scalars small enough for a query string. */
const shortScalarText = scalarOf(urlString.map((value) => JSON.stringify(value)));
const keyText = fc.oneof(
  { arbitrary: fc.constantFrom('"Code"', '"Name"', '"CustomerID"', '"_tab"', '"_del"', '"_mod"'), weight: 4 },
  { arbitrary: fc.constantFrom('"__proto__"', '"constructor"', '"prototype"', '"hasOwnProperty"', '"toString"'), weight: 2 },
  { arbitrary: stringText, weight: 3 },
  { arbitrary: fc.constantFrom('""', '"\\u0000"', `"${'k'.repeat(300)}"`), weight: 1 },
);
const anyJsonText = fc.json({ maxDepth: 3 });
/** Deep nesting, as text: arrays, objects, or never closed; far past any recursion limit. */
const deepText = fc
  .record({ depth: fc.integer({ min: 90, max: 30_000 }), kind: fc.constantFrom('array', 'object', 'unclosed') })
  .map(({ depth, kind }) =>
    kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : kind === 'object' ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth),
  );
const objectText = (value: fc.Arbitrary<string>, maxKeys = 6) =>
  fc.array(fc.tuple(keyText, value), { maxLength: maxKeys }).map((entries) => `{${entries.map(([k, v]) => `${k}:${v}`).join(',')}}`);
const cellText = fc.oneof(
  { arbitrary: scalarText, weight: 30 },
  { arbitrary: anyJsonText, weight: 2 }, // objects and arrays: rows must be flat
  { arbitrary: deepText, weight: 1 },
);

// Push notifications -------------------------------------------------------------------------

/** Plausible notifications with hostile values: they reach the write path (ids repeat across cases: updates, deletes). */
const plainColumn = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,15}$/), weight: 6 },
  { arbitrary: fc.constantFrom('_del', '_mod', '_tab', 'Name', 'CreditLimit'), weight: 2 },
  { arbitrary: hostileString.filter((name) => name.length > 0 && name.length <= 256 && !['__proto__', 'constructor', 'prototype', 'Code'].includes(name)), weight: 1 },
);
const plausibleRow = fc
  .record({
    id: fc.oneof(fc.nat(40).map((n) => `C${n}`), fc.constantFrom('  C1  ', 'C1', '1', 'ü-ключ', 'a|b')),
    cells: fc.uniqueArray(fc.tuple(plainColumn, scalarText), { maxLength: 4, selector: ([column]) => column }),
  })
  .map(({ id, cells }) => `{"Code":${JSON.stringify(id)}${cells.filter(([column]) => column !== 'Code').map(([column, cell]) => `,${JSON.stringify(column)}:${cell}`).join('')}}`);
const plausibleEnvelope = fc
  .record({
    inserted: fc.array(plausibleRow, { maxLength: 12 }),
    deleted: fc.array(plausibleRow, { maxLength: 4 }),
    query: stringText,
    companyId: stringText,
    id: maybe(stringText, 30),
    timeStamp: maybe(fc.bigInt({ min: 638000000000000000n, max: 639000000000000000n }).map(String), 20),
  })
  .map(({ inserted, deleted, query, companyId, id, timeStamp }) =>
    [
      `{"Inserted":[${inserted.join(',')}]`,
      `"Deleted":[${deleted.join(',')}]`,
      `"Query":${query}`,
      `"CompanyId":${companyId}`,
      ...(id === null ? [] : [`"Id":${id}`]),
      ...(timeStamp === null ? [] : [`"TimeStamp":${timeStamp}`]),
      '"AdditionalInfo":{}}',
    ].join(','),
  );

/** Chaotic envelopes: each field present, missing, mistyped or hostile, in any order, sometimes twice. */
const rowText = fc.oneof(
  { arbitrary: objectText(cellText), weight: 3 },
  {
    arbitrary: fc.tuple(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }), keyText, cellText).map(
      ([code, key, cell]) => `{"Code":${JSON.stringify(`k${code}`)},${key}:${cell}}`,
    ),
    weight: 8,
  },
  { arbitrary: scalarText, weight: 1 }, // not an object
);
const rowsText = fc.oneof(
  { arbitrary: fc.array(rowText, { maxLength: 5 }).map((rows) => `[${rows.join(',')}]`), weight: 8 },
  { arbitrary: scalarText, weight: 1 },
  { arbitrary: anyJsonText, weight: 1 },
);
const ticksText = fc.oneof(
  { arbitrary: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String), weight: 3 },
  { arbitrary: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map((n) => JSON.stringify(String(n))), weight: 1 },
  { arbitrary: fc.constantFrom('18446744073709551616', '1e400', '-1', '1.5', '"NaN"', '"1e400"', '" 42 "', '"0x10"', '"-0"', '[]', '{}', 'null', 'true'), weight: 3 },
  { arbitrary: scalarText, weight: 1 },
);
const chaoticEnvelope = fc
  .record({
    Inserted: maybe(rowsText, 5),
    Deleted: maybe(rowsText, 5),
    Query: maybe(fc.oneof({ arbitrary: stringText, weight: 8 }, { arbitrary: scalarText, weight: 1 }), 5),
    CompanyId: maybe(fc.oneof({ arbitrary: stringText, weight: 8 }, { arbitrary: scalarText, weight: 1 }), 5),
    Id: maybe(fc.oneof({ arbitrary: stringText, weight: 6 }, { arbitrary: scalarText, weight: 1 }), 40),
    TimeStamp: maybe(ticksText, 40),
    AdditionalInfo: maybe(fc.oneof(anyJsonText, objectText(scalarText)), 60),
    extra: fc.array(fc.tuple(keyText, fc.oneof(scalarText, anyJsonText)), { maxLength: 2 }),
    duplicate: maybe(fc.constantFrom('Inserted', 'Query', 'CompanyId', '__proto__'), 90),
  })
  .chain((fields) => {
    const entries: string[] = [];
    for (const name of ['Inserted', 'Deleted', 'Query', 'CompanyId', 'Id', 'TimeStamp', 'AdditionalInfo'] as const) {
      const value = fields[name];
      if (value !== null) entries.push(`"${name}":${value}`);
    }
    for (const [key, value] of fields.extra) entries.push(`${key}:${value}`);
    if (fields.duplicate !== null) entries.push(`"${fields.duplicate}":{"CompanyId":"dup","Inserted":[]}`);
    return fc.shuffledSubarray(entries, { minLength: entries.length }).map((shuffled) => `{${shuffled.join(',')}}`);
  });

type Body = string | Buffer;

/** Valid UTF-8 around a sequence that is not UTF-8 (overlong, surrogate, truncated, stray continuation, NUL). */
const INVALID_UTF8 = [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xff, 0xfe], [0xf4, 0x90, 0x80, 0x80], [0x00]];
const invalidUtf8Body = fc.tuple(fc.constantFrom(...INVALID_UTF8), fc.constantFrom('cell', 'key', 'query', 'body')).map(([bytes, where]) => {
  const [prefix, suffix] = {
    cell: ['{"Inserted":[{"Code":"a","Name":"', '"}],"Deleted":[],"Query":"q","CompanyId":"c"}'],
    key: ['{"Inserted":[{"', '":"a"}],"Deleted":[],"Query":"q","CompanyId":"c"}'],
    query: ['{"Inserted":[],"Deleted":[],"CompanyId":"c","Query":"', '"}'],
    body: ['', ''],
  }[where];
  return Buffer.concat([Buffer.from(prefix), Buffer.from(bytes), Buffer.from(suffix)]);
});
const hugeStringBody = fc.integer({ min: 300_000, max: 1_100_000 }).map((n) => notification({ inserted: [{ Code: `big${n}`, Blob: 'y'.repeat(n) }] }));
const hugeArrayBody = fc.oneof(
  fc.integer({ min: 500, max: 3000 }).map((n) => notification({ inserted: Array.from({ length: n }, (_, i) => ({ Code: `r${i}`, N: i })) })),
  fc.integer({ min: 10_000, max: 100_000 }).map((n) => `{"Inserted":[],"Deleted":[],"Query":"q","CompanyId":"c","AdditionalInfo":[${'1,'.repeat(n)}1]}`),
  fc.integer({ min: 2000, max: 20_000 }).map((n) => `{"Inserted":[${'{},'.repeat(n)}{}],"Deleted":[],"Query":"q","CompanyId":"c"}`),
);
const jsonOfAnything = fc
  .anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true, withBoxedValues: true, withDate: true, withSparseArray: true })
  .map((value) => {
    try {
      return JSON.stringify(value) ?? 'undefined';
    } catch {
      return String(value);
    }
  });
const cdcBody: fc.Arbitrary<Body> = fc.oneof(
  { arbitrary: plausibleEnvelope, weight: 40 },
  { arbitrary: chaoticEnvelope, weight: 30 },
  { arbitrary: fc.json({ maxDepth: 4 }), weight: 4 },
  { arbitrary: jsonOfAnything, weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 3 },
  { arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), weight: 2 },
  { arbitrary: invalidUtf8Body, weight: 3 },
  { arbitrary: deepText, weight: 1 },
  { arbitrary: deepText.map((deep) => `{"Inserted":[],"Deleted":[],"Query":"q","CompanyId":"c","AdditionalInfo":${deep}}`), weight: 1 },
  { arbitrary: hugeArrayBody, weight: 1 },
  { arbitrary: fc.constantFrom('', ' ', '\n', 'null', '[]', '""', '{}', '0', '{"Inserted":[],"Deleted":[],"Query":"q","CompanyId":"c"}'), weight: 2 },
);
/** Huge strings (up to ~1 MB) are expensive: about one case in 250. */
const cdcBodyWithRareGiants: fc.Arbitrary<Body> = fc.oneof({ arbitrary: cdcBody, weight: 249 }, { arbitrary: hugeStringBody, weight: 1 });

const TABLE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const HOSTILE_TABLE_PARAMS = [
  '../x',
  '..%2F..%2Fetc',
  '%2e%2e%2f',
  '%00',
  'a%00b',
  'Customers%00',
  '%0d%0aX-Injected:%201',
  '%0a',
  '%ff%fe',
  '%',
  '%zz',
  'a%20b',
  'a b',
  "x';DROP TABLE records;--",
  '%E2%80%AE',
  '.',
  '..',
  '-a',
  '_a',
  'a'.repeat(64),
  'a'.repeat(65),
  '',
  'a&table=b',
  'a&key=%00',
  'a#frag',
  'a%23b',
  'Customers&table[]=x',
  '%F0%9F%98%80',
];
const tableQuery = fc.oneof(
  { arbitrary: fc.constantFrom('fz', 'Customers', 'a.b-c_d', 'Z9').map((t) => `?table=${t}`), weight: 14 },
  { arbitrary: fc.stringMatching(TABLE_NAME).map((t) => `?table=${encode(t)}`), weight: 3 },
  { arbitrary: fc.constant(''), weight: 2 },
  { arbitrary: fc.constantFrom(...HOSTILE_TABLE_PARAMS).map((t) => `?table=${t}`), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map((t) => `?table=${encode(t)}`), weight: 2 },
  { arbitrary: fc.constantFrom('?table', '?table=', '?TABLE=fz', '?table[a]=fz', '?table=fz&table=fz'), weight: 1 },
);
const keyQuery = fc.oneof(
  { arbitrary: fc.constant(''), weight: 12 },
  { arbitrary: fc.constantFrom('Code', 'Code,Name', 'CustomerID', '__proto__', 'constructor,Code', ',', 'a,,b', '%00', 'a%00', 'x'.repeat(300)).map((k) => `&key=${k}`), weight: 2 },
  { arbitrary: urlString.map((k) => `&key=${encode(k)}`), weight: 1 },
);
const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 20 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'APPLICATION/JSON',
      'application/vnd.acumatica+json',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json; charset=bogus',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      '',
    ),
    weight: 2,
  },
);

interface CdcCase {
  body: Body;
  query: string;
  contentType: string;
}
const cdcCase: fc.Arbitrary<CdcCase> = fc
  .record({ body: cdcBodyWithRareGiants, table: tableQuery, key: keyQuery, contentType })
  .map(({ body, table, key, contentType: type }) => ({ body, query: table ? `${table}${key}` : key ? `?${key.slice(1)}` : '', contentType: type }));

// ---------------------------------------------------------------------------------------------

interface Answer {
  status: number;
  contentType: string;
  text: string;
  json: any;
  requestId: string | null;
}

function describeBody(body: Body): string {
  const text = typeof body === 'string' ? body : `<${body.length} bytes> ${body.toString('latin1')}`;
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
}

function tally<K>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

describe('fuzzing the real app', () => {
  let t: TestApp;
  let s: Session;
  let other: Session;
  /** One solution (and one database connection, for footprints) per CDC worker. */
  const workers: { solutionId: string; solutionPath: string; db: Client }[] = [];
  const sockets: TableClient[] = [];
  let cases = 0;

  beforeAll(async () => {
    // Enough failed-authentication budget that nothing here is throttled; sweeps off, so the
    // database changes only through the requests under test.
    t = await bootTestApp({ env: { LOG_LEVEL: 'warn', RETENTION_SWEEP_SECONDS: '0', REALTIME_SWEEP_SECONDS: '0', AUTH_FAILURE_LIMIT: '1000000' } });
    s = await createSession(t, 'Fuzz');
    other = await createSession(t, 'Fuzz other');
    expect((await s.http.post(`${s.solutionPath}/tables`, { name: 'fz', keyFields: ['Code'] })).status).toBe(201);
    expect((await s.http.put(`${s.solutionPath}/tables/fz/records/seed`, { data: { Code: 'seed' } })).status).toBe(201);
    for (let i = 0; i < WORKERS; i++) {
      const solution = await s.http.post(`/tool/organizations/${s.org.id}/solutions`, { name: `cdc worker ${i}` });
      expect(solution.status).toBe(201);
      const db = new Client({ connectionString: t.database.url });
      await db.connect();
      workers.push({ solutionId: solution.body.id, solutionPath: `/tool/organizations/${s.org.id}/solutions/${solution.body.id}`, db });
    }
    console.log(`fuzz seed: ${SEED}`);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const worker of workers) await worker.db.end();
    await t?.close();
  });

  async function send(method: string, path: string, body?: Body, headers: Record<string, string> = {}, token: string | null = s.token): Promise<Answer> {
    const init: RequestInit = { method, headers: { ...headers }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
    if (token) (init.headers as Record<string, string>).authorization = `Bearer ${token}`;
    if (body !== undefined) init.body = body;
    const res = await fetch(`${t.api}${path}`, init);
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined; // not JSON: checked below where it matters
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json, requestId: res.headers.get('x-request-id') };
  }

  /** What the server logged as errors (for one request id, or all), without the request details. */
  function loggedErrors(requestId?: string | null): string[] {
    return t
      .logs()
      .split('\n')
      .filter((line) => /"level":(50|60)/.test(line) && (requestId === undefined || (requestId !== null && line.includes(requestId))))
      .map((line) => {
        const entry = JSON.parse(line);
        return String(entry.msg ?? entry.err?.message ?? line).slice(0, 400);
      });
  }

  /** Never 5xx; a 4xx is a well-formed problem+json without stack traces or SQL; a 2xx is JSON. */
  function expectWellFormed(answer: Answer, request: string): void {
    const where = `${request}\n→ ${answer.status} ${answer.text.slice(0, 500)}`;
    if (answer.status >= 500) {
      // The server logged why, under the request id it echoed.
      throw new Error(`5xx: ${where}\nserver log: ${loggedErrors(answer.requestId).join(' | ').slice(0, 800) || '(none)'}`);
    }
    // 431: a request line over Node's 16 KiB, refused by Node's HTTP parser before the app runs.
    if (answer.status === 431) return;
    if (answer.status >= 400) {
      if (!answer.contentType.includes('application/problem+json')) throw new Error(`not problem+json (${answer.contentType}): ${where}`);
      const problem = answer.json;
      if (!problem || problem.status !== answer.status || typeof problem.title !== 'string' || typeof problem.type !== 'string' || typeof problem.detail !== 'string') {
        throw new Error(`malformed problem: ${where}`);
      }
      if (/\n\s+at |node_modules|QueryFailedError|syntax error at or near|invalid input syntax|violates|duplicate key value|relation "|out of range for type/.test(answer.text)) {
        throw new Error(`internals leaked: ${where}`);
      }
    } else if (answer.status !== 204 && answer.json === undefined) {
      throw new Error(`2xx without JSON: ${where}`);
    }
  }

  /** Everything a notification to the worker's solution could write: tables, heads, records, changes, dedupe marks. */
  async function footprint(worker: (typeof workers)[number]): Promise<string> {
    const { rows } = await worker.db.query(
      `SELECT (SELECT count(*) FROM data_tables WHERE solution_id = $1)::text AS tables,
              (SELECT coalesce(sum(head), 0) FROM data_tables WHERE solution_id = $1)::text AS heads,
              (SELECT coalesce(sum(row_count), 0) FROM data_tables WHERE solution_id = $1)::text AS row_counts,
              (SELECT count(*) FROM records r JOIN data_tables d ON d.id = r.table_id WHERE d.solution_id = $1)::text AS records,
              (SELECT count(*) FROM changes c JOIN data_tables d ON d.id = c.table_id WHERE d.solution_id = $1)::text AS changes,
              (SELECT count(*) FROM cdc_dedupe WHERE solution_id = $1)::text AS dedupe`,
      [worker.solutionId],
    );
    return JSON.stringify(rows[0]);
  }

  /** Pushes one case; a rejected one (any non-2xx) must leave the solution exactly as it was. */
  async function pushAndCheck(worker: (typeof workers)[number], c: CdcCase): Promise<Answer> {
    const before = await footprint(worker);
    const answer = await send('POST', `${worker.solutionPath}/acumatica/cdc${c.query}`, c.body, c.contentType ? { 'content-type': c.contentType } : {});
    const request = `POST …/acumatica/cdc${c.query} (${c.contentType || 'no content-type'}) ${describeBody(c.body)}`;
    expectWellFormed(answer, request);
    if (answer.status === 200) {
      if (typeof answer.json.duplicate !== 'boolean' || typeof answer.json.tables !== 'object') throw new Error(`not a receipt: ${request}\n→ ${answer.text}`);
    } else {
      const after = await footprint(worker);
      if (after !== before) throw new Error(`a rejected notification (${answer.status}) wrote something: ${before} → ${after}\n${request}\n→ ${answer.text.slice(0, 300)}`);
    }
    return answer;
  }

  it(`CDC: ${RUNS.cdc} hostile notifications → never 5xx, problem+json, and a rejected one writes nothing`, async () => {
    const statuses = new Map<number, number>();
    await checkConcurrently(RUNS.cdc, 0, (worker) =>
      fc.asyncProperty(cdcCase, async (c) => {
        cases++;
        tally(statuses, (await pushAndCheck(workers[worker], c)).status);
      }),
    );
    console.log(`fuzz cdc statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    // The generators reach both sides: applied notifications and each kind of refusal.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS.cdc / 20);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(RUNS.cdc / 4);
    expect(statuses.get(415) ?? 0).toBeGreaterThan(0);
  });

  describe('admin bodies', () => {
    const adminKeys = fc.constantFrom('"name"', '"region"', '"scopes"', '"expiresAt"', '"keyFields"', '"data"', '"id"', '"organizationId"', '"token"');
    const adminValue = fc.oneof(
      { arbitrary: scalarText, weight: 6 },
      { arbitrary: fc.array(scalarText, { maxLength: 10 }).map((items) => `[${items.join(',')}]`), weight: 3 },
      {
        arbitrary: fc
          .array(fc.constantFrom('"cdc:push"', '"data:read"', '"data:write"', '"org:admin"', '"root"', '"*"', '"ORG:ADMIN"'), { maxLength: 6 })
          .map((scopes) => `[${scopes.join(',')}]`),
        weight: 1,
      },
      { arbitrary: fc.date({ noInvalidDate: true }).map((d) => JSON.stringify(d.toISOString())), weight: 1 },
      // class-transformer converts with plain JavaScript: objects that cannot become a primitive.
      { arbitrary: fc.constantFrom('{"toString":"x"}', '{"valueOf":1,"toString":null}', '{"toString":{}}', '{"toJSON":"x"}', '["2030-01-01T00:00:00Z"]'), weight: 1 },
      { arbitrary: objectText(scalarText), weight: 2 },
      { arbitrary: anyJsonText, weight: 2 },
      { arbitrary: deepText, weight: 1 },
    );
    const chaoticBody = fc
      .array(fc.tuple(fc.oneof({ arbitrary: adminKeys, weight: 4 }, { arbitrary: keyText, weight: 1 }), adminValue), { maxLength: 5 })
      .map((entries) => `{${entries.map(([k, v]) => `${k}:${v}`).join(',')}}`);
    const adminBody: fc.Arbitrary<Body> = fc.oneof(
      { arbitrary: chaoticBody, weight: 10 },
      { arbitrary: fc.json({ maxDepth: 3 }), weight: 2 },
      { arbitrary: fc.string({ unit: 'binary', maxLength: 100 }), weight: 1 },
      { arbitrary: fc.uint8Array({ maxLength: 100 }).map((bytes) => Buffer.from(bytes)), weight: 1 },
      { arbitrary: invalidUtf8Body, weight: 1 },
      { arbitrary: deepText, weight: 1 },
    );
    type Route = 'organizations' | 'solutions' | 'tokens' | 'tables' | 'record' | 'table';
    const routeAndBody = (route: Route, body: fc.Arbitrary<Body>) => fc.record({ route: fc.constant(route), body });
    const keyFieldsText = fc.array(stringText, { minLength: 1, maxLength: 8 }).map((keys) => `[${keys.join(',')}]`);
    /** Well-formed bodies for their route, with hostile values, so they reach the database. */
    const plausible = fc.oneof(
      routeAndBody('organizations', stringText.map((name) => `{"name":${name}}`)),
      routeAndBody('solutions', stringText.map((name) => `{"name":${name}}`)),
      routeAndBody(
        'tokens',
        fc
          .tuple(stringText, fc.subarray(['cdc:push', 'data:read', 'data:write', 'org:admin'], { minLength: 1 }), maybe(fc.date({ min: new Date(Date.now() + 86_400_000), noInvalidDate: true }), 50))
          .map(([name, scopes, expiresAt]) => `{"name":${name},"scopes":${JSON.stringify(scopes)}${expiresAt ? `,"expiresAt":${JSON.stringify(expiresAt)}` : ''}}`),
      ),
      routeAndBody('tables', fc.tuple(fc.stringMatching(TABLE_NAME), maybe(keyFieldsText, 30)).map(([name, keys]) => `{"name":"${name}"${keys ? `,"keyFields":${keys}` : ''}}`)),
      routeAndBody('table', keyFieldsText.map((keys) => `{"keyFields":${keys}}`)),
      routeAndBody('record', objectText(scalarText, 40).map((data) => `{"data":${data}}`)),
    );
    const chaotic = fc.record({ route: fc.constantFrom<Route>('organizations', 'solutions', 'tokens', 'tables', 'record', 'table'), body: adminBody });
    const tableSegment = fc.oneof(
      { arbitrary: fc.constant('fz'), weight: 6 },
      { arbitrary: fc.stringMatching(TABLE_NAME), weight: 2 },
      { arbitrary: urlString.map(encode), weight: 2 },
      { arbitrary: fc.constantFrom('%00', '%ff', '..', '%2e%2e', 'a%2Fb'), weight: 1 },
    );
    const recordSegment = fc.oneof(
      { arbitrary: fc.string({ maxLength: 20 }).map(encode), weight: 4 },
      { arbitrary: urlString.map(encode), weight: 4 },
      { arbitrary: fc.constantFrom('%00', '%ff', '%ED%A0%80', '%C0%AF', 'a%2Fb', '%', '%zz', 'x'.repeat(1025), encode('界'.repeat(900))), weight: 2 },
    );
    const adminCase = fc.record({ target: fc.oneof(plausible, chaotic), table: tableSegment, record: recordSegment, contentType });

    it(`${RUNS.admin} arbitrary bodies for POST organizations/solutions/tokens/tables, PUT records, PATCH tables → never 5xx`, async () => {
      const statuses = new Map<number, number>();
      await checkConcurrently(RUNS.admin, 100, () =>
        fc.asyncProperty(adminCase, async ({ target: { route: name, body }, table, record, contentType: type }) => {
          cases++;
          const org = `/tool/organizations/${s.org.id}`;
          const [method, path] = {
            organizations: ['POST', '/tool/organizations'],
            solutions: ['POST', `${org}/solutions`],
            tokens: ['POST', `${org}/tokens`],
            tables: ['POST', `${s.solutionPath}/tables`],
            record: ['PUT', `${s.solutionPath}/tables/${table}/records/${record}`],
            table: ['PATCH', `${s.solutionPath}/tables/${table}`],
          }[name];
          const answer = await send(method, path, body, type ? { 'content-type': type } : {}, name === 'organizations' ? TEST_ADMIN_TOKEN : s.token);
          tally(statuses, answer.status);
          expectWellFormed(answer, `${method} ${path} (${type || 'no content-type'}) ${describeBody(body)}`);
        }),
      );
      console.log(`fuzz admin statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
      expect((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0)).toBeGreaterThan(RUNS.admin / 20);
      expect(statuses.get(400) ?? 0).toBeGreaterThan(RUNS.admin / 4);
    });
  });

  describe('query strings', () => {
    const cursorOf = (values: unknown[]) => Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
    const cursorValue = fc.oneof(
      { arbitrary: urlString, weight: 3 },
      { arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => cursorOf(Array.isArray(v) ? v : [v])), weight: 3 },
      {
        // The shape of a real cursor, with hostile contents.
        arbitrary: fc
          .tuple(fc.oneof(urlString, fc.constantFrom('abc', '1', '-1', '99999999999999999999999', '1e400', '')), fc.oneof(urlString, fc.uuid()))
          .map((pair) => cursorOf(pair)),
        weight: 3,
      },
      { arbitrary: fc.oneof(urlString, fc.integer(), fc.constantFrom(9007199254740991, -1, 0)).map((v) => cursorOf([v])), weight: 3 },
      { arbitrary: fc.constantFrom('garbage!', '====', 'W10', 'bnVsbA', 'e30', 'x'.repeat(3000)), weight: 1 },
    );
    const numberish = fc.oneof(
      fc.constantFrom('0', '1', '-1', '1000', '1001', '1e2', '1e20', '1e400', '99999999999999999999', '9007199254740993', '-0', '0x10', '0b1', '1.5', 'NaN', 'Infinity', '', ' 5 ', '5abc', '+7'),
      fc.integer().map(String),
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
    );
    const filterValue = fc.oneof(
      { arbitrary: objectText(shortScalarText), weight: 4 },
      { arbitrary: fc.json({ maxDepth: 3 }), weight: 2 },
      { arbitrary: urlString, weight: 2 },
      { arbitrary: fc.constantFrom('{"Code":"seed"}', '{}', '[]', 'null', '{"a":{"b":[1,2,{"c":null}]}}', `{"a":"${'x'.repeat(9000)}"}`, `${'{"a":'.repeat(200)}1${'}'.repeat(200)}`), weight: 1 },
    );
    const param = fc.oneof(
      fc.tuple(fc.constant('limit'), fc.oneof(numberish, urlString)),
      fc.tuple(fc.constant('since'), fc.oneof(numberish, urlString)),
      fc.tuple(fc.constant('cursor'), cursorValue),
      fc.tuple(fc.constant('filter'), filterValue),
      fc.tuple(fc.constant('includeDeleted'), fc.oneof(fc.constantFrom('true', 'false', '1', '0', 'TRUE', 'yes', '', 'null'), urlString)),
      fc.tuple(fc.oneof(fc.constantFrom('limit[]', 'cursor[x]', 'filter[a]', 'access_token', '__proto__', 'constructor[prototype]'), urlString), urlString),
    );
    const encoding = fc.constantFrom('encoded', 'encoded', 'encoded', 'raw');
    const query = fc
      .array(fc.tuple(param, encoding), { maxLength: 4 })
      .map((params) => params.map(([[name, value], how]) => (how === 'raw' ? `${name}=${value.replace(/[#&\s]/g, '')}` : `${encode(name)}=${encode(value)}`)).join('&'));
    const route = fc.constantFrom('organizations', 'solutions', 'tokens', 'tables', 'records', 'record', 'changes', 'deliveries');

    it(`${RUNS.query} arbitrary limit/cursor/filter/includeDeleted/since values → never 5xx`, async () => {
      const statuses = new Map<number, number>();
      await checkConcurrently(RUNS.query, 200, () =>
        fc.asyncProperty(route, query, async (name, q) => {
          cases++;
          const path = {
            organizations: '/tool/organizations',
            solutions: `/tool/organizations/${s.org.id}/solutions`,
            tokens: `/tool/organizations/${s.org.id}/tokens`,
            tables: `${s.solutionPath}/tables`,
            records: `${s.solutionPath}/tables/fz/records`,
            record: `${s.solutionPath}/tables/fz/records/seed`,
            changes: `${s.solutionPath}/tables/fz/changes`,
            deliveries: `${s.solutionPath}/acumatica/deliveries`,
          }[name];
          const answer = await send('GET', `${path}?${q}`, undefined, {}, name === 'organizations' ? TEST_ADMIN_TOKEN : s.token);
          tally(statuses, answer.status);
          expectWellFormed(answer, `GET ${path}?${q}`);
        }),
      );
      console.log(`fuzz query statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
      expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS.query / 20);
      expect(statuses.get(400) ?? 0).toBeGreaterThan(RUNS.query / 4);
    });
  });

  describe('socket messages', () => {
    const ERROR_CODES = ['forbidden', 'not_found', 'bad_request', 'rate_limited'];
    const idValue = (own: () => string) =>
      fc.oneof(
        { arbitrary: fc.constant(null).map(() => own()), weight: 12 },
        { arbitrary: fc.uuid(), weight: 1 },
        { arbitrary: fc.constant(null).map(() => other.org.id), weight: 1 },
        { arbitrary: hostileString, weight: 1 },
        { arbitrary: fc.anything({ maxDepth: 1 }), weight: 1 },
      );
    const fieldValue = fc.oneof(
      {
        arbitrary: fc.anything({ maxDepth: 2, withNullPrototype: true, withObjectString: true, withBoxedValues: true, withDate: true, withTypedArray: true, withSparseArray: true }),
        weight: 8,
      },
      // class-transformer converts with plain JavaScript: objects that cannot become a primitive.
      { arbitrary: fc.constantFrom<unknown>({ toString: 'x' }, [{ toString: 'x' }], { valueOf: 1, toString: null }, { toJSON: 'x' }), weight: 1 },
    );
    /** Nested arrays, within the 64 KiB message limit and what socket.io-client can serialize. */
    const deepPayload = fc.integer({ min: 100, max: 2000 }).map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown);
    const hostileKeys = fc.array(fc.tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', 'token'), hostileString), fieldValue), { maxLength: 2 });
    const structured = fc
      .record(
        {
          organizationId: idValue(() => s.org.id),
          solutionId: idValue(() => s.solution.id),
          table: fc.oneof(
            { arbitrary: fc.constantFrom('fz', 'not-yet', 'Customers'), weight: 8 },
            { arbitrary: fc.stringMatching(TABLE_NAME), weight: 2 },
            { arbitrary: hostileString, weight: 1 },
            { arbitrary: fieldValue, weight: 1 },
          ),
          since: fc.oneof(
            { arbitrary: fc.nat(5), weight: 4 },
            { arbitrary: fc.constantFrom(-1, 1.5, 2 ** 53, 2 ** 64, 1e308, -0, Number.MAX_SAFE_INTEGER, NaN, Infinity), weight: 2 },
            { arbitrary: fc.constantFrom('1', '1e400', '18446744073709551616', 'NaN', '', ' 3 ', '0x10'), weight: 2 },
            { arbitrary: fieldValue, weight: 1 },
            { arbitrary: deepPayload, weight: 1 },
          ),
        },
        { requiredKeys: ['organizationId', 'solutionId', 'table'] },
      )
      .chain((message) =>
        fc.oneof(
          { arbitrary: fc.constant(message), weight: 5 },
          {
            arbitrary: hostileKeys.map((extra) => {
              // Own properties, "__proto__" included, as JSON.parse makes them.
              const copy: Record<string, unknown> = { ...message };
              for (const [key, value] of extra) Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
              return copy;
            })
              // socket.io-client's parser copies a packet holding binary key by key (`copy[key] = …`), which turns an own
              // "__proto__" into the copy's prototype and breaks its own JSON encoding before anything is sent: a client
              // bug, not a server answer, so such payloads are not generated.
              .filter((copy) => !(Object.hasOwn(copy, '__proto__') && containsBinary(copy))),
            weight: 1,
          },
        ),
      );
    const payload: fc.Arbitrary<unknown> = fc.oneof(
      { arbitrary: structured, weight: 8 },
      { arbitrary: fieldValue, weight: 3 },
      { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
      { arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)), weight: 1 },
      { arbitrary: fc.constantFrom(undefined, null, 0, '', 'subscribe', [], {}, true), weight: 1 },
      { arbitrary: deepPayload, weight: 1 },
      { arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => ({ organizationId: s.org.id, solutionId: s.solution.id, table: 'x'.repeat(n) })), weight: 1 },
    );
    const event = fc.constantFrom<'subscribe' | 'unsubscribe'>('subscribe', 'subscribe', 'unsubscribe');

    function describeMessage(event: string, body: unknown): string {
      try {
        return `${event} ${JSON.stringify(body)?.slice(0, 300)}`;
      } catch {
        return `${event} ${String(body).slice(0, 300)}`;
      }
    }

    it(`${RUNS.socket} arbitrary subscribe/unsubscribe payloads → always a well-formed ack; sockets and server stay up`, async () => {
      // Two sockets per worker, taking turns: each stays within the flood limit and mostly within its subscribe budget.
      for (let i = 0; i < 2 * WORKERS; i++) sockets.push(await connect(t.url, { token: s.token }));
      const codes = new Map<string, number>();
      await checkConcurrently(RUNS.socket, 300, (worker) => {
        let turn = 0;
        return fc.asyncProperty(event, payload, async (name, body) => {
          cases++;
          const client = sockets[2 * worker + (turn++ % 2)];
          let ack: any;
          try {
            ack = await client.request(name, body, ACK_TIMEOUT_MS);
          } catch (error) {
            throw new Error(`no ack (${String(error)}): ${describeMessage(name, body)}`);
          }
          tally(codes, ack?.ok === true ? 'ok' : String(ack?.error?.code));
          if (ack?.ok === true) {
            const wellFormed = name === 'subscribe' ? typeof ack.head === 'number' && (ack.reset === undefined || ack.reset === true) : Object.keys(ack).length === 1;
            if (!wellFormed) throw new Error(`malformed ok ack ${JSON.stringify(ack)}: ${describeMessage(name, body)}`);
          } else if (!(ack?.ok === false && ERROR_CODES.includes(ack.error?.code) && typeof ack.error?.message === 'string')) {
            throw new Error(`malformed ack ${JSON.stringify(ack)}: ${describeMessage(name, body)}`);
          }
          if (!client.socket.connected) throw new Error(`socket dropped after: ${describeMessage(name, body)}`);
        });
      });
      console.log(`fuzz socket acks: ${JSON.stringify(Object.fromEntries(codes))}`);
      expect(codes.get('ok') ?? 0).toBeGreaterThan(RUNS.socket / 20);
      expect(codes.get('bad_request') ?? 0).toBeGreaterThan(RUNS.socket / 4);
      expect(sockets.every((c) => c.socket.connected)).toBe(true);
    });
  });

  describe('regressions found by this fuzzer', () => {
    const storable = (cell: string, key = '"Name"') => `{"Inserted":[{"Code":"r1",${key}:${cell}}],"Deleted":[],"Query":"q","CompanyId":"c"}`;

    it('refuses notifications PostgreSQL could not store with a 400 naming the field, and writes nothing', async () => {
      const worker = workers[0];
      for (const body of [
        storable('"a\\u0000b"'),
        storable('"x"', '"\\u0000"'),
        storable('"\\ud800"'),
        storable('"x"', '"\\udc00"'),
        storable('1e1000000'),
        storable('1e-1000000'),
        storable('0e-99999'),
        '{"Inserted":[{"Code":"ok"},{"Code":"a\\u0000"}],"Deleted":[],"Query":"q","CompanyId":"c"}',
        `{"Inserted":[{"Code":${JSON.stringify('k'.repeat(1025))}}],"Deleted":[],"Query":"q","CompanyId":"c"}`,
        `{"Inserted":[{"Code":${JSON.stringify('界'.repeat(900))}}],"Deleted":[],"Query":"q","CompanyId":"c"}`,
      ]) {
        const answer = await pushAndCheck(worker, { body, query: '?table=reg', contentType: 'application/json' });
        expect({ body: body.slice(0, 100), status: answer.status }).toEqual({ body: body.slice(0, 100), status: 400 });
        expect(answer.json.errors[0].field).toMatch(/^Inserted\[[01]\]/);
      }
      expect((await pushAndCheck(worker, { body: storable('"ok"'), query: '?table=reg&key=%00', contentType: 'application/json' })).status).toBe(400);
      // What PostgreSQL can hold is still applied: 1e400 is beyond a double, not beyond numeric.
      expect((await pushAndCheck(worker, { body: storable('1e400'), query: '?table=reg', contentType: 'application/json' })).status).toBe(200);
    });

    it('refuses such values in REST bodies, filters and cursors, and out-of-range numbers in queries, with a 400', async () => {
      const records = `${s.solutionPath}/tables/fz/records`;
      const cursor = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
      const requests: [string, string, string?][] = [
        ['PUT', `${records}/reg1`, '{"data":{"a":"\\u0000"}}'],
        ['PUT', `${records}/reg1`, '{"data":{"\\u0000":1}}'],
        ['PUT', `${records}/reg1`, '{"data":{"a":{"b":["\\ud800"]}}}'],
        ['PUT', `${records}/reg1`, `{"data":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`],
        ['PUT', `${records}/${encode('界'.repeat(900))}`, '{"data":{}}'],
        ['POST', `/tool/organizations/${s.org.id}/solutions`, '{"name":"a\\u0000"}'],
        ['POST', `/tool/organizations/${s.org.id}/tokens`, '{"name":"a\\u0000"}'],
        ['POST', `/tool/organizations/${s.org.id}/tokens`, '{"name":"x","expiresAt":{"toString":"x"}}'],
        ['POST', `/tool/organizations/${s.org.id}/tokens`, `{"name":${'['.repeat(50_000)}${']'.repeat(50_000)}}`],
        ['POST', `${s.solutionPath}/tables`, '{"name":"reg2","keyFields":["a\\u0000"]}'],
        ['GET', `${records}?filter=${encode('{"a":"\\u0000"}')}`],
        ['GET', `${records}?filter=${encode('{"\\u0000":1}')}`],
        ['GET', `${records}?filter=${encode('{"a":"\\ud800"}')}`],
        ['GET', `${records}?filter=${encode('{"a":1e1000000}')}`],
        ['GET', `${records}?filter=${encode('{"a":1e-1000000}')}`],
        ['GET', `${records}?filter=${encode('{"a":"1e-99999","b":0.1e-16384}')}`],
        ['GET', `${records}?cursor=${cursor(['a\u0000'])}`],
        ['GET', `${s.solutionPath}/tables?cursor=${cursor(['a\u0000'])}`],
        ['GET', `/tool/organizations/${s.org.id}/solutions?cursor=${cursor(['1', 'not-a-uuid'])}`],
        ['GET', `/tool/organizations/${s.org.id}/tokens?cursor=${cursor(['abc', '00000000-0000-4000-8000-000000000000'])}`],
        ['GET', `${s.solutionPath}/acumatica/deliveries?cursor=${cursor(['x'])}`],
        ['GET', `${s.solutionPath}/tables/fz/changes?since=99999999999999999999`],
        ['GET', `${s.solutionPath}/tables/fz/changes?since=1e20`],
      ];
      for (const [method, path, body] of requests) {
        const answer = await send(method, path, body, body ? { 'content-type': 'application/json' } : {});
        expect({ method, path: path.slice(-80), status: answer.status }).toEqual({ method, path: path.slice(-80), status: 400 });
        expectWellFormed(answer, `${method} ${path}`);
      }
    });

    it("never loses other organizations' delivery audit entries to one hostile notification", async () => {
      // The audit is written in batches; one value PostgreSQL refuses must not sink the batch.
      const id = `audit-${Date.now()}`;
      const mine = pushAndCheck(workers[1], { body: notification({ id, inserted: [{ Code: 'A1' }] }), query: '?table=audited', contentType: 'application/json' });
      const hostile = [
        send('POST', `${other.solutionPath}/acumatica/cdc?table=%00`, notification({ inserted: [{ Code: 'x' }] }), { 'content-type': 'application/json' }, other.token),
        send('POST', `${other.solutionPath}/acumatica/cdc?table=ok`, notification({ inserted: [{ Code: 'x' }], query: 'q\u0000', companyId: '\ud800' }), { 'content-type': 'application/json' }, other.token),
      ];
      const answers = await Promise.all([mine, ...hostile]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 400, 200]);
      const audited = await waitFor(
        async () => {
          const items = (await send('GET', `${workers[1].solutionPath}/acumatica/deliveries?limit=1000`)).json.items as { notificationId: string | null }[];
          return items.some((item) => item.notificationId === id) || undefined;
        },
        { timeoutMs: 5000, what: 'the delivery in the audit' },
      );
      expect(audited).toBe(true);
      const others = await waitFor(
        async () => {
          const items = (await send('GET', `${other.solutionPath}/acumatica/deliveries?limit=1000`, undefined, {}, other.token)).json.items as { status: number }[];
          return items.length >= 2 ? items : undefined;
        },
        { timeoutMs: 5000, what: "the other organization's deliveries in its audit" },
      );
      expect(others.map((item) => item.status).sort()).toEqual([200, 400]);
    });

    it('acks socket messages whose values class-transformer cannot convert', async () => {
      const client = await connect(t.url, { token: s.token });
      try {
        for (const since of [{ toString: 'x' }, [{ toString: 'x' }]]) {
          const ack = await client.request('subscribe', { organizationId: s.org.id, solutionId: s.solution.id, table: 'fz', since }, ACK_TIMEOUT_MS);
          expect(ack).toEqual({ ok: false, error: { code: 'bad_request', message: expect.any(String) } });
        }
      } finally {
        client.close();
      }
    });
  });

  it('leaves the process healthy: /healthz and /readyz answer 200, nothing logged as an unexpected error, no audit entry dropped', async () => {
    console.log(`fuzz: ${cases} cases`);
    expect((await fetch(`${t.url}/healthz`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
    expect((await fetch(`${t.url}/readyz`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
    expect(loggedErrors().slice(0, 5)).toEqual([]);
    // Nothing that should have been written was dropped on the side (delivery audit, token use).
    expect(
      t
        .logs()
        .split('\n')
        .filter((line) => line.includes('could not record'))
        .map((line) => line.slice(0, 300)),
    ).toEqual([]);
    expect(cases).toBeGreaterThanOrEqual(5000);
  });
});
