import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadRequestError, stringifyExact } from '@tablecast/common';
import { parsePushNotification } from './push-notification';

const FIXTURES = join(__dirname, '../../../test/fixtures/acumatica');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

function failure(text: string): BadRequestError {
  try {
    parsePushNotification(text);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestError);
    return error as BadRequestError;
  }
  throw new Error('expected a 400');
}

describe('parsePushNotification', () => {
  const body = (rows: string, ticks = '638412345678901234') =>
    `{"CompanyId":"c","Query":"q","Inserted":[${rows}],"Deleted":[],"TimeStamp":${ticks},"AdditionalInfo":{}}`;

  it('keeps every number as sent, whichever parser reads the body (native where a double is exact)', () => {
    for (const row of [
      '{"ID":"a","n":5,"f":1.25,"neg":-3}', // native, ticks patched in
      '{"ID":"a","amount":100.00,"n":5}', // a trailing zero: jsonb keeps the scale
      '{"ID":"a","tiny":0.0000001}', // JSON.stringify would write 1e-7
      '{"ID":"a","z":-0}',
      '{"ID":"a","big":12345678901234567890}', // a second long literal
      '{"ID":"a","e":1E3}',
      '{"ID":"a","s":"12345678901234567","n":1}', // a long digit run inside a string
      '{"ID":"a-0","s":"x:1.50","t":"[-0"}', // what looks like a literal inside strings
      '{"ID":"a","list":"1,2.0"}',
    ]) {
      const n = parsePushNotification(body(row));
      expect(n.timeStamp).toBe(638412345678901234n);
      expect(stringifyExact(n.inserted[0])).toBe(row);
    }
  });

  it('reads small TimeStamps given as plain numbers, and refuses fractional ones naming TimeStamp', () => {
    expect(parsePushNotification(body('', '42')).timeStamp).toBe(42n);
    expect(failure(body('', '4.5')).message).toContain('TimeStamp');
  });

  it('reads the documented sample with its TimeStamp exact', () => {
    const n = parsePushNotification(fixture('01-verbatim-acumatica-docs-stock-item-status-update.json'));
    expect(n).toMatchObject({ companyId: 'MyTenant', query: 'Stock Items: Last Modified Date', id: '1af4d140-5321-41f2-a2ec-50b67f577c6c' });
    expect(n.timeStamp).toBe(636295833829493672n);
    expect(n.inserted).toHaveLength(1);
    expect(n.deleted).toHaveLength(1);
  });

  it('tells apart consecutive ticks that a double cannot', () => {
    const a = parsePushNotification('{"CompanyId":"c","Query":"q","Inserted":[],"Deleted":[],"TimeStamp":638412345678901234}');
    const b = parsePushNotification('{"CompanyId":"c","Query":"q","Inserted":[],"Deleted":[],"TimeStamp":"638412345678901235"}');
    expect(JSON.parse('638412345678901234')).toBe(JSON.parse('638412345678901235')); // what JSON.parse would see
    expect(a.timeStamp).toBe(638412345678901234n);
    expect(b.timeStamp! - a.timeStamp!).toBe(1n);
  });

  it('names every missing field of fixture 12', () => {
    const error = failure(fixture('12-constructed-invalid-missing-query-and-inserted.json'));
    expect(error.message).toContain('Query');
    expect(error.message).toContain('Inserted');
    expect(error.extras.errors!.map((e) => e.field).sort()).toEqual(['Inserted', 'Query']);
  });

  it.each([
    ['', 'body'],
    ['{"CompanyId":', 'body'],
    ['[1,2]', 'body'],
    ['"text"', 'body'],
    ['{"CompanyId":1,"Query":"q","Inserted":[],"Deleted":[]}', 'CompanyId'],
    ['{"CompanyId":"c","Query":"q","Inserted":{},"Deleted":[]}', 'Inserted'],
    ['{"CompanyId":"c","Query":"q","Inserted":[[1]],"Deleted":[]}', 'Inserted[0]'],
    ['{"CompanyId":"c","Query":"q","Inserted":[],"Deleted":[1]}', 'Deleted[0]'],
    ['{"CompanyId":"c","Query":"q","Inserted":[{"A":{"B":1}}],"Deleted":[]}', 'Inserted[0].A'],
    ['{"CompanyId":"c","Query":"q","Inserted":[{"__proto__":{"x":1}}],"Deleted":[]}', 'Inserted[0].__proto__'],
    ['{"CompanyId":"c","Query":"q","Inserted":[],"Deleted":[],"TimeStamp":1.5}', 'TimeStamp'],
    ['{"CompanyId":"c","Query":"q","Inserted":[],"Deleted":[],"TimeStamp":"-1"}', 'TimeStamp'],
    ['{"CompanyId":"c","Query":"q","Inserted":[],"Deleted":[],"TimeStamp":18446744073709551616}', 'TimeStamp'],
    ['{"CompanyId":"c","Query":"q","Inserted":[],"Deleted":[],"Id":42}', 'Id'],
  ])('refuses %s naming %s', (text, field) => {
    const error = failure(text);
    expect(error.extras.errors!.map((e) => e.field)).toContain(field);
    expect(error.message).toContain(field === 'body' ? 'body' : field.split('.')[0]);
  });

  it('refuses deep nesting without crashing', () => {
    expect(failure(`{"CompanyId":"c","Query":"q","Inserted":[],"Deleted":[],"AdditionalInfo":${'['.repeat(100_000)}${']'.repeat(100_000)}}`).message).toMatch(
      /body/,
    );
  });

  it('accepts unknown top-level fields and a missing Id and TimeStamp', () => {
    const n = parsePushNotification('{"CompanyId":"c","Query":"q","Inserted":[],"Deleted":[],"Extra":{"a":[1]}}');
    expect(n.id).toBeNull();
    expect(n.timeStamp).toBeNull();
  });
});
