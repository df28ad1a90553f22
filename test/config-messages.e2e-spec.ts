import { runServer } from './support/server-process';

describe('configuration messages of the server process', () => {
  it.each([
    [{ PORT: 'abc' }, 'Invalid configuration: PORT must be an integer between 0 and 65535 (got "abc")'],
    [{ PORT: '70000' }, 'Invalid configuration: PORT must not be greater than 65535 (got "70000")'],
    [{ MAX_BODY_BYTES: 'lots' }, 'Invalid configuration: MAX_BODY_BYTES must be a whole number of bytes (got "lots")'],
    [{ CORS_ORIGINS: 'app.example.com' }, 'CORS_ORIGINS must be * or comma-separated origins'],
  ])('on %j exits 1 with the one clear line %j', async (env, expected) => {
    const server = await runServer(env as Record<string, string>);
    expect(await server.exited).toBe(1);
    const lines = server.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(expected);
  });
});
