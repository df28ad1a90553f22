import { Injectable, Logger } from '@nestjs/common';

/** Published after a table's deletion commits: its log is gone, and a table of that name later is another one. */
export interface TableDropped {
  organizationId: string;
  solutionId: string;
  table: string;
}

export type TableDroppedListener = (event: TableDropped) => void;

/** In-process fan-out of "table dropped" events; the realtime layer carries them to other nodes. */
@Injectable()
export class TableDroppedEvents {
  private readonly logger = new Logger(TableDroppedEvents.name);
  private readonly listeners = new Set<TableDroppedListener>();

  subscribe(listener: TableDroppedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Call after commit, never inside the transaction. */
  publish(event: TableDropped): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error(`table-dropped listener failed: ${String(error)}`);
      }
    }
  }
}
