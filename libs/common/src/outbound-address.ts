import ipaddr from 'ipaddr.js';
import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

/** True for globally routable unicast addresses only: not loopback, private, link-local (cloud metadata), CGNAT, multicast, reserved… */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Why `raw` may not be an outbound target (webhook URL, Acumatica instance), or undefined: it must be http(s), and unless private
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
