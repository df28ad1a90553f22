import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AcumaticaError, AcumaticaHttp } from './acumatica-client';

/** A server on 127.0.0.1 that answers each request with the next status of `statuses` (the last one repeated). */
async function serve(statuses: number[], retryAfter?: string): Promise<{ server: Server; url: string; requests: () => number }> {
  let count = 0;
  const server = createServer((req, res) => {
    const status = statuses[Math.min(count, statuses.length - 1)];
    count++;
    res.writeHead(status, { 'content-type': 'application/json', ...(retryAfter === undefined ? {} : { 'retry-after': retryAfter }) });
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`, requests: () => count };
}

describe('AcumaticaHttp.send retries', () => {
  let http: AcumaticaHttp;
  let server: Server | undefined;

  beforeEach(() => {
    http = new AcumaticaHttp({ allowPrivate: true, timeoutMs: 5_000, attempts: 3, backoffMs: 1 });
  });
  afterEach(async () => {
    await http.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  it('retries 429 and 5xx until an answer that is not, and returns it', async () => {
    const fake = await serve([503, 429, 200]);
    server = fake.server;
    const answer = await http.send('read', fake.url, { method: 'GET', headers: {} });
    expect(answer.status).toBe(200);
    expect(fake.requests()).toBe(3);
  });

  it('gives up after `attempts` in all, naming the step and the last status', async () => {
    const fake = await serve([500]);
    server = fake.server;
    const failure = await http.send('read page 1', fake.url, { method: 'GET', headers: {} }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AcumaticaError);
    expect(failure).toMatchObject({ code: 'acumatica_http', message: 'read page 1: HTTP 500 (after 3 attempts)' });
    expect(fake.requests()).toBe(3);
  });

  it('does not retry a 4xx other than 429', async () => {
    const fake = await serve([404, 200]);
    server = fake.server;
    const answer = await http.send('read', fake.url, { method: 'GET', headers: {} });
    expect(answer.status).toBe(404);
    expect(fake.requests()).toBe(1);
  });

  it('a cancel during a Retry-After wait ends the call at once, without another request', async () => {
    const fake = await serve([503], '60');
    server = fake.server;
    const controller = new AbortController();
    const call = http.send('read', fake.url, { method: 'GET', headers: {} }, controller.signal).catch((error: unknown) => error);
    while (fake.requests() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    expect(await call).toMatchObject({ code: 'cancelled' });
    expect(fake.requests()).toBe(1);
  });

  it('an unreachable instance is acumatica_unreachable after every attempt', async () => {
    const fake = await serve([200]);
    const { url } = fake;
    await new Promise((resolve) => fake.server.close(resolve));
    const failure = await http.send('sign in', url, { method: 'POST', headers: {} }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'acumatica_unreachable' });
    expect((failure as Error).message).toMatch(/^sign in: .*\(after 3 attempts\)$/);
  });
});
