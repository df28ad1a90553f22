import fc from 'fast-check';
import { isLosslessNumber, isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';
import { ExactNumber, parseExactJson, stringifyExact } from './exact-json';

const literal = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.bigInt().map(String),
  fc.constantFrom('1e400', '1e-400', '-0', '0.10', '1.50', '12345678901234567890', '1E+2', '0.1000000000000000000001', '4.9e-324', '123456789012345.6'),
);
const jsonText = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    literal,
    fc.string().map((s) => JSON.stringify(s)),
    fc.constantFrom('true', 'false', 'null', '"3e4f-1234567890123456"'),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc.uniqueArray(fc.tuple(fc.string(), tie('value')), { maxLength: 4, selector: ([key]) => key }).map((m) => `{${m.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;

/** Numbers compared by exact value: a double where it is exact, the literal otherwise. */
function byValue(value: unknown): unknown {
  if (isLosslessNumber(value)) return isSafeNumber(value.value) ? { n: Number(value.value) } : { exact: value.value };
  if (typeof value === 'number') return { n: value };
  if (Array.isArray(value)) return value.map(byValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, byValue(v)]));
  return value;
}

describe('exact JSON', () => {
  it('parses every text to the values lossless-json reads, fast path or not (property)', () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        expect(byValue(parseExactJson(text))).toEqual(byValue(parse(text, null, (v) => new LosslessNumber(v))));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps what a double would change, and only that', () => {
    const value = parseExactJson('{"a":1e400,"b":1e-400,"c":12345678901234567890,"d":1.5,"e":42}') as Record<string, unknown>;
    expect(value.a).toEqual(new ExactNumber('1e400'));
    expect(value.b).toEqual(new ExactNumber('1e-400'));
    expect(value.c).toEqual(new ExactNumber('12345678901234567890'));
    expect(value.d).toBe(1.5);
    expect(value.e).toBe(42);
  });

  it('writes exactly what lossless-json writes, for trees of ExactNumbers (property)', () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        const tree = parse(text, null, (v) => new ExactNumber(v));
        expect(stringifyExact(tree)).toBe(stringify(tree));
      }),
      { numRuns: 1000 },
    );
  });

  it('never turns a string into a number unless it carries the U+0000 mark', () => {
    expect(stringifyExact({ a: 'tablecast-exact-number:1', b: '\\u0000tablecast-exact-number:1' })).toBe(
      '{"a":"tablecast-exact-number:1","b":"\\\\u0000tablecast-exact-number:1"}',
    );
  });
});

describe('ExactNumber under class-transformer', () => {
  it('survives being cloned by plainToInstance (admin DTOs)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { plainToInstance } = require('class-transformer') as typeof import('class-transformer');
    class Dto {
      scopes: unknown;
    }
    const dto = plainToInstance(Dto, parseExactJson('{"scopes":[1e400,"x"]}') as object);
    expect(stringifyExact(dto)).toBe('{"scopes":[1e400,"x"]}');
  });
});
