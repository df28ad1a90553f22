import { isDatabaseUnavailable } from './database-errors';

function pgError(code: string, message = 'x'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDatabaseUnavailable', () => {
  it.each([
    pgError('ECONNREFUSED'),
    pgError('57P01', 'terminating connection due to administrator command'),
    pgError('08006'),
    pgError('53300'),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
    Object.assign(new Error('released'), { name: 'QueryRunnerProviderAlreadyReleasedError' }),
  ])('treats %s as "retry later" (503)', (error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([pgError('23505', 'duplicate key'), pgError('22P02', 'invalid input syntax'), new Error('boom'), 'text'])('treats %s as a bug or a bad request', (error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
