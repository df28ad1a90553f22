import { HttpClient } from '@tablecast/testing';
import { io, Socket } from 'socket.io-client';
import { notification } from '../support/acumatica';

export const FAULT_ADMIN_TOKEN = 'fault-test-operator-token-0123456789abcdefgh';

export interface Tenant {
  orgId: string;
  solutionId: string;
  token: string;
  solutionPath: string;
}

/** Organization → solution → token through the real API of a server process. */
export async function createTenant(api: string, name: string): Promise<Tenant> {
  const operator = new HttpClient(api, FAULT_ADMIN_TOKEN);
  const org = await operator.post('/tool/organizations', { name });
  const solution = await operator.post(`/tool/organizations/${org.body.id}/solutions`, { name: 'faults' });
  const token = await operator.post(`/tool/organizations/${org.body.id}/tokens`, { name: 'sender' });
  if (token.status !== 201) throw new Error(`tenant setup failed: ${org.status} ${solution.status} ${token.status}`);
  return {
    orgId: org.body.id,
    solutionId: solution.body.id,
    token: token.body.token,
    solutionPath: `/tool/organizations/${org.body.id}/solutions/${solution.body.id}`,
  };
}

export interface Delivery {
  index: number;
  attempts: number;
  statuses: number[];
}

/**
 * Sends bodies like Acumatica: each one until it gets a 2xx, backing off between attempts.
 * `senders` workers take the bodies in order. Every status seen is recorded.
 */
export async function sendLikeAcumatica(
  url: () => string,
  token: string,
  path: string,
  bodies: string[],
  options: { senders: number; onAcknowledged?: (count: number) => void; deadlineMs: number },
): Promise<Delivery[]> {
  const deliveries: Delivery[] = bodies.map((_, index) => ({ index, attempts: 0, statuses: [] }));
  let next = 0;
  let acknowledged = 0;
  const deadline = Date.now() + options.deadlineMs;
  const worker = async () => {
    for (let index = next++; index < bodies.length; index = next++) {
      const delivery = deliveries[index];
      for (let backoff = 25; ; backoff = Math.min(backoff * 2, 400)) {
        if (Date.now() > deadline) throw new Error(`notification ${index} not acknowledged before the deadline (${delivery.statuses.join(',')})`);
        delivery.attempts++;
        const status = await fetch(`${url()}/v2.0${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: bodies[index],
          signal: AbortSignal.timeout(15_000),
        }).then(
          async (res) => {
            await res.arrayBuffer();
            return res.status;
          },
          () => 0, // connection refused or reset: the server is down
        );
        delivery.statuses.push(status);
        if (status >= 200 && status < 300) break;
        if (status >= 400 && status < 500 && status !== 429) throw new Error(`notification ${index} was refused with ${status}`);
        await new Promise((done) => setTimeout(done, backoff));
      }
      options.onAcknowledged?.(++acknowledged);
    }
  };
  await Promise.all(Array.from({ length: options.senders }, worker));
  return deliveries;
}

export function oneRowNotification(index: number, record: string, timeStamp: bigint): string {
  return notification({ id: `fault-${index}`, inserted: [{ Code: record, v: index }], timeStamp: timeStamp.toString() });
}

/** A subscriber that, like a phone app, resubscribes with its last seq on every (re)connect. */
export class ResumingSubscriber {
  readonly seqs: number[] = [];
  readonly socket: Socket;

  constructor(url: string, token: string, address: { organizationId: string; solutionId: string; table: string }) {
    this.socket = io(`${url}/dynamic-data`, { transports: ['websocket'], auth: { token }, reconnectionDelay: 100, reconnectionDelayMax: 500 });
    this.socket.on('connect', () => {
      const since = this.seqs.at(-1) ?? 0;
      this.socket.emit('subscribe', { ...address, since }, () => undefined);
    });
    this.socket.on('onTableChange', (event: { changes: { seq: number }[] }) => {
      for (const change of event.changes) this.seqs.push(change.seq);
    });
  }

  close(): void {
    this.socket.disconnect();
  }
}
