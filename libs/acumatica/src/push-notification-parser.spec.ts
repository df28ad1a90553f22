import fc from 'fast-check';
import { isLosslessNumber, LosslessNumber, parse } from 'lossless-json';
import { parseSteps, runInTurns, runSync, TooManyRowsError, UnreadableJsonError, PARSE_SLICE_CHARS } from './push-notification-parser';
import { parsePushNotification, readPushNotification } from './push-notification';
import { DomainError } from '@tablecast/common';

const NO_LIMIT = { maxRows: Number.POSITIVE_INFINITY };
const exact = (text: string) => parse(text, null, (value) => new LosslessNumber(value));
const ours = (text: string) => runSync(parseSteps(text, NO_LIMIT));

/** Numbers as their literal text, so that trees compare exactly. */
function normalize(value: unknown): unknown {
  if (isLosslessNumber(value)) return { number: value.value };
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}

describe('parsing JSON in slices', () => {
  it('gives exactly what lossless-json gives, numbers included (property)', () => {
    const numbers = fc.oneof(fc.integer().map(String), fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.bigInt().map(String), fc.constantFrom('1e400', '1e-400', '-0', '0.10', '12345678901234567890', '1E+2'));
    const json = fc.letrec<{ value: string }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        numbers,
        fc.string({ unit: 'grapheme' }).map((s) => JSON.stringify(s)),
        fc.constantFrom('true', 'false', 'null'),
        fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
        fc.uniqueArray(fc.tuple(fc.string(), tie('value')), { maxLength: 5, selector: ([key]) => key }).map((members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
      ),
    })).value;
    fc.assert(
      fc.property(json, fc.constantFrom('', ' ', '\n\t '), (text, space) => {
        expect(normalize(ours(space + text + space))).toEqual(normalize(exact(text)));
      }),
      { numRuns: 500 },
    );
  });

  it('reads texts longer than a slice, with characters split across slices', () => {
    const long = 'é😀'.repeat(PARSE_SLICE_CHARS);
    const text = JSON.stringify({ a: long, b: [1, 2, 3] });
    expect(ours(text)).toEqual({ a: long, b: [new LosslessNumber('1'), new LosslessNumber('2'), new LosslessNumber('3')] });
  });

  it.each(['', '{', '{"a":1', '{"a":1} x', '{"a":1}{"b":2}', '[1,]', '{"a":01}', 'nul', '"abc'])('refuses %j', (text) => {
    expect(() => ours(text)).toThrow(UnreadableJsonError);
  });

  it('keeps escaped lone surrogates, so that they can be refused as unstorable', () => {
    expect(ours('["\\ud800x","\\ud83d\\ude00"]')).toEqual(['\ud800x', '😀']);
  });

  it('keeps __proto__ a plain own property', () => {
    const value = ours('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('refuses nesting deeper than 100 levels', () => {
    expect(() => ours(`${'['.repeat(101)}${']'.repeat(101)}`)).toThrow(/nested more than 100/);
    expect(() => ours(`${'['.repeat(100)}${']'.repeat(100)}`)).not.toThrow();
  });

  it('stops at the first row over the limit, before reading the rest', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `{"K":${i}}`).join(',');
    expect(() => runSync(parseSteps(`{"Inserted":[${rows(3)}],"Deleted":[${rows(2)}]}`, { maxRows: 5 }))).not.toThrow();
    expect(() => runSync(parseSteps(`{"Inserted":[${rows(3)}],"Deleted":[${rows(3)}]}`, { maxRows: 5 }))).toThrow(TooManyRowsError);
    // The rest of the text is never parsed: garbage after the limit does not matter.
    const steps = parseSteps(`{"Inserted":[${rows(6)}, this is not JSON`, { maxRows: 5 });
    expect(() => runSync(steps)).toThrow(expect.objectContaining({ limit: 5, field: 'Inserted' }));
    // Members of an object named Inserted are not rows.
    expect(() => runSync(parseSteps(`{"Inserted":{"a":1,"b":2,"c":3}}`, { maxRows: 2 }))).not.toThrow();
  });

  it('yields between slices of a large text', async () => {
    const text = JSON.stringify({ Inserted: Array.from({ length: 50_000 }, (_, i) => ({ K: `k${i}`, N: i })) });
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const value = (await runInTurns(parseSteps(text, NO_LIMIT))) as { Inserted: unknown[] };
    clearInterval(ticker);
    expect(value.Inserted).toHaveLength(50_000);
    expect(turns).toBeGreaterThan(2);
  });
});

describe('reading a notification with a row limit', () => {
  const notification = (inserted: number, deleted: number) =>
    JSON.stringify({ CompanyId: 'c', Query: 'q', Inserted: Array.from({ length: inserted }, (_, i) => ({ K: i })), Deleted: Array.from({ length: deleted }, (_, i) => ({ K: i })) });

  it('accepts exactly the limit and answers 413 naming CDC_MAX_ROWS beyond it', async () => {
    await expect(readPushNotification(notification(2, 1), { maxRows: 3 })).resolves.toMatchObject({ companyId: 'c' });
    const error = await readPushNotification(notification(2, 2), { maxRows: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('payload_too_large');
    expect((error as DomainError).message).toContain('CDC_MAX_ROWS');
    expect((error as DomainError).message).toContain('3 rows');
    expect((error as DomainError).extras.errors).toEqual([expect.objectContaining({ field: 'Deleted' })]);
  });

  it('keeps TimeStamp and numbers exact as before', () => {
    const n = parsePushNotification('{"CompanyId":"c","Query":"q","TimeStamp":638412345678901234,"Inserted":[{"K":"a","N":1e400,"M":0.10}],"Deleted":[]}');
    expect(n.timeStamp).toBe(638412345678901234n);
    expect(n.inserted[0].N).toEqual(new LosslessNumber('1e400'));
    expect(n.inserted[0].M).toEqual(new LosslessNumber('0.10'));
  });
});
