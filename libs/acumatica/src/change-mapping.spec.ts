import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadRequestError } from '@tablecast/common';
import { isDeletedFlag, parseKeyParam, recordIdOf, routeRows, toChangeSet } from './change-mapping';
import { parsePushNotification } from './push-notification';

const fixture = (name: string) => parsePushNotification(readFileSync(join(__dirname, '../../../test/fixtures/acumatica', name), 'utf8'));
const body = (inserted: unknown[], deleted: unknown[] = [], extra = '') =>
  parsePushNotification(`{"CompanyId":"c","Query":"q","Inserted":${JSON.stringify(inserted)},"Deleted":${JSON.stringify(deleted)}${extra}}`);

describe('mapping a notification to change sets', () => {
  it('pairs Deleted and Inserted by id, not by position (fixture 08)', () => {
    const n = fixture('08-constructed-customer-mass-update-multi-row.json');
    const changes = toChangeSet(routeRows(n, 'Customers').get('Customers')!, null, n.timeStamp);
    expect(changes.map((c) => [c.id, c.op])).toEqual([
      ['C000000201', 'update'],
      ['C000000202', 'update'],
      ['C000000205', 'upsert'],
      ['C000000204', 'delete'],
    ]);
    expect(changes[0].data!.Status).toBe('On Hold');
    expect(changes.every((c) => c.sourceTs === 638781372034702288n)).toBe(true);
  });

  it('treats an Inserted row with _del set as a delete (fixture 07)', () => {
    const n = fixture('07-constructed-customer-soft-delete-del-flag-true.json');
    expect(toChangeSet(routeRows(n, 'Customers').get('Customers')!, null, n.timeStamp).map((c) => [c.id, c.op])).toEqual([['C000000102', 'delete']]);
  });

  it.each([
    [true, true],
    [1, true],
    ['true', true],
    ['True', true],
    ['1', true],
    [false, false],
    [0, false],
    ['false', false],
    ['yes', false],
    [null, false],
    ['TRUE', false],
  ])('reads _del %j as %s', (value, expected) => {
    const row = body([{ K: 'a', _del: value }]).inserted[0];
    expect(isDeletedFlag(row._del)).toBe(expected);
  });

  it('takes the first column not starting with _ as the key, trimmed and stringified', () => {
    expect(recordIdOf({ row: body([{ _tab: 'X', Code: '  A1  ', Name: 'n' }]).inserted[0], at: 'Inserted[0]' }, null)).toBe('A1');
    expect(recordIdOf({ row: body([{ Num: 42 }]).inserted[0], at: 'Inserted[0]' }, null)).toBe('42');
    const exact = parsePushNotification('{"CompanyId":"c","Query":"q","Inserted":[{"Num":12345678901234567890}],"Deleted":[]}');
    expect(recordIdOf({ row: exact.inserted[0], at: 'x' }, null)).toBe('12345678901234567890');
  });

  it('joins composite keys in order', () => {
    const row = body([{ Company: ' ACME ', Customer: 'C1', Name: 'x' }]).inserted[0];
    expect(recordIdOf({ row, at: 'Inserted[0]' }, ['Company', 'Customer'])).toBe('ACME|C1');
  });

  it('names the field when a key value is missing or blank', () => {
    for (const row of [{ Name: 'no key', Code: null }, { Code: '   ' }]) {
      try {
        recordIdOf({ row: body([row]).inserted[0], at: 'Inserted[0]' }, ['Code']);
        throw new Error('expected a 400');
      } catch (error) {
        expect(error).toBeInstanceOf(BadRequestError);
        expect((error as BadRequestError).message).toContain('Inserted[0].Code');
      }
    }
  });

  it('routes by _tab when ?table= is absent, and refuses missing or invalid _tab', () => {
    const n = body([{ K: '1', _tab: 'Customer' }, { K: '2', _tab: 'Vendor' }], [{ K: '3', _tab: 'Customer' }]);
    const tables = routeRows(n, undefined);
    expect([...tables.keys()].sort()).toEqual(['Customer', 'Vendor']);
    expect(tables.get('Customer')!.deleted).toHaveLength(1);
    expect(() => routeRows(body([{ K: '1' }]), undefined)).toThrow(/Inserted\[0\]\._tab/);
    expect(() => routeRows(body([{ K: '1', _tab: '../x' }]), undefined)).toThrow(/not a valid table name/);
    expect([...routeRows(n, 'All').keys()]).toEqual(['All']);
  });

  it('keeps one change per record: the later row wins', () => {
    const changes = toChangeSet(routeRows(body([{ K: 'a', v: 1 }, { K: 'a', v: 2 }]), 't').get('t')!, null, null);
    expect(changes).toEqual([{ id: 'a', op: 'upsert', data: expect.objectContaining({ v: expect.anything() }), sourceTs: null }]);
    expect(String(changes[0].data!.v)).toBe('2');
  });

  it('parses ?key=', () => {
    expect(parseKeyParam('A, B')).toEqual(['A', 'B']);
    expect(parseKeyParam(undefined)).toBeUndefined();
    expect(() => parseKeyParam('A,,B')).toThrow(BadRequestError);
    expect(() => parseKeyParam('a,b,c,d,e,f,g,h,i')).toThrow(BadRequestError);
  });
});

describe('record ids from key fields', () => {
  const located = (row: Record<string, unknown>) => ({ row: body([row]).inserted[0], at: 'Inserted[0]' });

  it('escapes | and \\ inside composite key values, so different rows never share an id', () => {
    const a = recordIdOf(located({ A: 'x|y', B: 'z' }), ['A', 'B']);
    const b = recordIdOf(located({ A: 'x', B: 'y|z' }), ['A', 'B']);
    expect(a).toBe('x\\|y|z');
    expect(b).toBe('x|y\\|z');
    expect(recordIdOf(located({ A: 'x\\', B: '|z' }), ['A', 'B'])).toBe('x\\\\|\\|z');
    expect(recordIdOf(located({ A: 'x\\|', B: 'z' }), ['A', 'B'])).not.toBe(recordIdOf(located({ A: 'x\\', B: '|z' }), ['A', 'B']));
  });

  it('keeps ids of values without | or \\ as they were, and single keys unescaped', () => {
    expect(recordIdOf(located({ A: ' ACME ', B: 'C-1/2' }), ['A', 'B'])).toBe('ACME|C-1/2');
    expect(recordIdOf(located({ A: 'x|y' }), ['A'])).toBe('x|y');
  });

  it.each(['toString', 'constructor', 'hasOwnProperty', 'valueOf'])('reads only own columns: a row without %s is 400 naming it', (field) => {
    expect(() => recordIdOf(located({ Code: 'a' }), [field])).toThrow(BadRequestError);
    try {
      recordIdOf(located({ Code: 'a' }), [field]);
    } catch (error) {
      expect((error as BadRequestError).extras.errors).toEqual([expect.objectContaining({ field: `Inserted[0].${field}` })]);
    }
  });

  it.each(['toString', 'constructor', '__proto__', 'prototype', 'A,A', 'A,,B', 'A,B,C,D,E,F,G,H,I'])('refuses ?key=%s naming key', (key) => {
    expect(() => parseKeyParam(key)).toThrow(expect.objectContaining({ extras: { errors: [expect.objectContaining({ field: 'key' })] } }));
  });

  it('accepts distinct ordinary key fields', () => {
    expect(parseKeyParam(' A , B ')).toEqual(['A', 'B']);
  });
});
