import { Namespace } from 'socket.io';
import { TableChanged } from '@tablecast/dynamic-data';
import { Doorbell, isTableChanged } from './doorbell';

const EVENT = 'tableChanged';

/** The doorbell through the Socket.IO adapter (Redis when REDIS_URL is set): server-side events between nodes. */
export class SocketIoDoorbell implements Doorbell {
  constructor(private readonly namespace: () => Namespace) {}

  async start(onRing: (event: TableChanged) => void): Promise<void> {
    this.namespace().on(EVENT, (event: unknown) => {
      if (isTableChanged(event)) onRing(event);
    });
  }

  ring(event: TableChanged): void {
    this.namespace().serverSideEmit(EVENT, event);
  }

  async stop(): Promise<void> {
    this.namespace().removeAllListeners(EVENT);
  }
}
