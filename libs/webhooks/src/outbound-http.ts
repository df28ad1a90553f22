import ipaddr from 'ipaddr.js';
import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';

/** Response bytes kept for the attempts log; the rest is never read. */
export const MAX_RESPONSE_BYTES = 1024;
const CONNECT_TIMEOUT_MS = 5_000;

/** True for globally routable unicast addresses only: not loopback, private, link-local (cloud metadata), CGNAT, multicast, reserved… */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Why `raw` may not be a webhook target, or undefined: it must be http(s), and unless private
 * targets are allowed every address its host resolves to (or the literal IP) must be public.
 */
export async function targetProblem(raw: string, allowPrivate: boolean): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute http:// or https:// URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'url must be an absolute http:// or https:// URL';
  if (raw.length > 2048) return 'url must be at most 2048 characters';
  if (allowPrivate) return undefined;
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await resolveAll(host)).map((a) => a.address);
    } catch (error) {
      return `url host ${JSON.stringify(host)} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'lookup failed'})`;
    }
  }
  const refused = addresses.find((address) => !isPublicAddress(address));
  if (refused !== undefined) {
    return `url must not point at a loopback, private, link-local or other non-public address (${host} is ${refused}); set ALLOW_PRIVATE_NETWORK=true to allow it`;
  }
  return undefined;
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The resolver every connection uses: it resolves the host itself, keeps only the addresses that
 * pass the check, and hands the socket exactly those. The address checked is the address
 * connected to, so a DNS answer that changes between check and connect (rebinding) cannot slip in.
 */
export function checkedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const allowed = addresses.filter((a) => allowPrivate || isPublicAddress(a.address));
      if (allowed.length === 0) {
        const refused = Object.assign(
          new Error(`refused: ${hostname} resolves only to non-public addresses (${addresses.map((a) => a.address).join(', ')})`),
          {
            code: 'EPRIVATETARGET',
          },
        );
        return callback(refused, []);
      }
      const pinned = allowed[0];
      if (options.all) callback(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    });
  };
}

export interface PostResult {
  /** The HTTP status, or null when no response came (timeout, refused connection, refused target). */
  status: number | null;
  /** For failures: what went wrong, with at most 1 KiB of the response body. */
  error: string | null;
  retryAfter: string | undefined;
  durationMs: number;
}

/** POSTs JSON with connect and total timeouts, no redirects, and at most 1 KiB of the answer read. */
export class OutboundHttp {
  private readonly agent: Agent;

  constructor(private readonly allowPrivate: boolean) {
    this.agent = new Agent({
      connect: { timeout: CONNECT_TIMEOUT_MS, lookup: checkedLookup(allowPrivate) as never },
      keepAliveTimeout: 4_000,
    });
  }

  async post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, abort?: AbortSignal): Promise<PostResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const host = hostOf(new URL(url));
    // A literal IP is never looked up, so it is checked here.
    if (isIP(host) && !this.allowPrivate && !isPublicAddress(host)) {
      return { status: null, error: `refused: ${host} is not a public address`, retryAfter: undefined, durationMs: elapsed() };
    }
    const signal = abort ? AbortSignal.any([abort, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Tablecast-Webhooks/1', ...headers },
        body,
        dispatcher: this.agent,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await readAtMost(res.body, MAX_RESPONSE_BYTES);
      const retryAfter = res.headers['retry-after'];
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return {
        status: res.statusCode,
        error: ok
          ? null
          : `HTTP ${res.statusCode}${res.statusCode >= 300 && res.statusCode < 400 ? ' (redirects are not followed)' : ''}${text ? `: ${text}` : ''}`,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        durationMs: elapsed(),
      };
    } catch (error) {
      const timedOut = signal.aborted && !abort?.aborted;
      const message = timedOut ? `no answer within ${timeoutMs} ms` : describe(error);
      return { status: null, error: message.slice(0, MAX_RESPONSE_BYTES), retryAfter: undefined, durationMs: elapsed() };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

function describe(error: unknown): string {
  const err = error as { message?: string; code?: string; cause?: { message?: string; code?: string } };
  const cause = err.cause?.message ? ` (${err.cause.message})` : '';
  return `${err.code ? `${err.code}: ` : ''}${err.message ?? String(error)}${cause}`;
}

async function readAtMost(body: AsyncIterable<Buffer> & { destroy(): void }, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}
