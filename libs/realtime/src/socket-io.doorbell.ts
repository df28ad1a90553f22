import { Namespace } from 'socket.io';
import { Doorbell, isRing, OriginRing } from './doorbell';

const EVENT = 'tablecastRing';

/** The doorbell through the Socket.IO adapter (Redis when REDIS_URL is set): server-side events between nodes. */
export class SocketIoDoorbell implements Doorbell {
  constructor(private readonly namespace: Namespace) {}

  async start(onRing: (ring: OriginRing) => void): Promise<void> {
    this.namespace.on(EVENT, (ring: unknown) => {
      if (isRing(ring)) onRing(ring);
    });
  }

  ring(ring: OriginRing): void {
    this.namespace.serverSideEmit(EVENT, ring);
  }

  async stop(): Promise<void> {
    this.namespace.removeAllListeners(EVENT);
  }
}
