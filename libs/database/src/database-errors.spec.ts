import { classifyDatabaseError, isTransientConflict, SQLSTATE_CLASSES, SQLSTATE_CODES } from './database-errors';

function pgError(code: string, message = 'x'): Error {
  return Object.assign(new Error(message), { code });
}

/** TypeORM wraps pg's error in a QueryFailedError whose driverError carries the code. */
function queryFailed(code: string): Error {
  return Object.assign(new Error('query failed'), { name: 'QueryFailedError', driverError: { code } });
}

describe('classifyDatabaseError', () => {
  it('lists every SQLSTATE class of PostgreSQL (appendix A), each deliberately', () => {
    expect(Object.keys(SQLSTATE_CLASSES).sort()).toEqual(
      [
        '00',
        '01',
        '02',
        '03',
        '08',
        '09',
        '0A',
        '0B',
        '0F',
        '0L',
        '0P',
        '0Z',
        '20',
        '21',
        '22',
        '23',
        '24',
        '25',
        '26',
        '27',
        '28',
        '2B',
        '2D',
        '2F',
        '34',
        '38',
        '39',
        '3B',
        '3D',
        '3F',
        '40',
        '42',
        '44',
        '53',
        '54',
        '55',
        '57',
        '58',
        '72',
        'F0',
        'HV',
        'P0',
        'XX',
      ].sort(),
    );
  });

  it.each([
    ['57014', 'unavailable'], // statement timeout
    ['53200', 'unavailable'], // out of memory
    ['53100', 'unavailable'], // disk full
    ['53300', 'unavailable'], // too many connections
    ['57P01', 'unavailable'], // admin shutdown
    ['08006', 'unavailable'], // connection failure
    ['40P01', 'unavailable'], // deadlock (after the retries)
    ['40001', 'unavailable'], // serialization failure (after the retries)
    ['55P03', 'unavailable'], // lock not available
    ['58030', 'unavailable'], // I/O error
    ['25P03', 'unavailable'], // idle-in-transaction timeout
    ['23503', 'not_found'], // the solution was deleted meanwhile
    ['23505', 'conflict'],
    ['22P02', 'bad_request'],
    ['22003', 'bad_request'],
    ['54000', 'bad_request'],
    ['23502', 'internal'], // not null: our validation should have caught it
    ['23514', 'internal'],
    ['42601', 'internal'], // syntax error: a bug
    ['42P01', 'internal'],
    ['XX000', 'internal'],
    ['25P02', 'internal'],
    ['ZZ999', 'internal'], // a class PostgreSQL may add one day
  ])('maps SQLSTATE %s to %s, on pg errors and on TypeORM-wrapped ones', (code, kind) => {
    expect(classifyDatabaseError(pgError(code))).toEqual({ kind, code });
    expect(classifyDatabaseError(queryFailed(code))).toEqual({ kind, code });
  });

  it('applies every code override over its class', () => {
    for (const [code, kind] of Object.entries(SQLSTATE_CODES)) expect(classifyDatabaseError(pgError(code))?.kind).toBe(kind);
  });

  it.each([
    pgError('ECONNREFUSED'),
    pgError('57P01', 'terminating connection due to administrator command'),
    pgError('08006'),
    pgError('53300'),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
    Object.assign(new Error('released'), { name: 'QueryRunnerProviderAlreadyReleasedError' }),
  ])('treats %s as "retry later" (503)', (error) => {
    expect(classifyDatabaseError(error)?.kind === 'unavailable').toBe(true);
  });

  it.each([pgError('23505', 'duplicate key'), pgError('22P02', 'invalid input syntax'), new Error('boom'), 'text'])(
    'treats %s as not "retry later"',
    (error) => {
      expect(classifyDatabaseError(error)?.kind === 'unavailable').toBe(false);
    },
  );

  it('is not a database failure when nothing says so', () => {
    expect(classifyDatabaseError(new Error('boom'))).toBeUndefined();
    expect(classifyDatabaseError('text')).toBeUndefined();
    expect(classifyDatabaseError(pgError('ERR_SOMETHING'))).toBeUndefined();
  });

  it('retries only deadlocks and serialization failures', () => {
    expect(isTransientConflict(pgError('40P01'))).toBe(true);
    expect(isTransientConflict(queryFailed('40001'))).toBe(true);
    for (const code of ['40003', '57014', '23505', '08006']) expect(isTransientConflict(pgError(code))).toBe(false);
  });
});
