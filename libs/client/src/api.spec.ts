import { TablecastApi } from './api';
import { TablecastError } from './errors';
import { TokenProvider } from './token';

const address = { organizationId: 'o', solutionId: 's', table: 'T' };

/** A fetch that accepts only `valid` and answers a table head. */
function server(valid: string) {
  const seen: string[] = [];
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    const token = String((init.headers as Record<string, string>).authorization).replace('Bearer ', '');
    seen.push(token);
    if (token !== valid) return new Response(JSON.stringify({ status: 401, title: 'Unauthorized' }), { status: 401 });
    return new Response(JSON.stringify({ name: 'T', head: 42 }), { status: 200 });
  }) as unknown as typeof fetch;
  return { seen, fetchImpl };
}

describe('TablecastApi', () => {
  it('after a 401 asks the token function again and retries once with the new token', async () => {
    const tokens = ['expired', 'fresh'];
    let asked = 0;
    const { seen, fetchImpl } = server('fresh');
    const api = new TablecastApi('http://x/v2.0', new TokenProvider(() => tokens[asked++]), fetchImpl);
    expect(await api.head(address)).toBe(42);
    expect(seen).toEqual(['expired', 'fresh']);
    expect(asked).toBe(2);
    expect(await api.head(address)).toBe(42); // the fresh token is kept
    expect(asked).toBe(2);
  });

  it('a 401 with the fresh token too is a fatal unauthorized error', async () => {
    const { seen, fetchImpl } = server('never');
    const api = new TablecastApi('http://x/v2.0', new TokenProvider(async () => 'bad'), fetchImpl);
    const error = await api.head(address).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TablecastError);
    expect((error as TablecastError).code).toBe('unauthorized');
    expect((error as TablecastError).fatal).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it('503 and network failures are transient', async () => {
    const down = new TablecastApi('http://x/v2.0', new TokenProvider('t'), (async () => new Response('{}', { status: 503 })) as unknown as typeof fetch);
    await expect(down.head(address)).rejects.toMatchObject({ code: 'unavailable', fatal: false });
    const unreachable = new TablecastApi('http://x/v2.0', new TokenProvider('t'), (async () => Promise.reject(new TypeError('fetch failed'))) as unknown as typeof fetch);
    await expect(unreachable.head(address)).rejects.toMatchObject({ code: 'unavailable', fatal: false });
  });
});
