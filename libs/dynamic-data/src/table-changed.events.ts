import { Injectable, Logger } from '@nestjs/common';

/** Published after a commit added changes `fromSeq..toSeq` to a table's log. */
export interface TableChanged {
  organizationId: string;
  solutionId: string;
  table: string;
  tableId: string;
  fromSeq: number;
  toSeq: number;
}

export type TableChangedListener = (event: TableChanged) => void;

/**
 * In-process fan-out of "table changed" events, only ever published after commit. The realtime
 * layer listens here and carries events to other nodes.
 */
@Injectable()
export class TableChangedEvents {
  private readonly logger = new Logger(TableChangedEvents.name);
  private readonly listeners = new Set<TableChangedListener>();

  subscribe(listener: TableChangedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(events: TableChanged[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (error) {
          this.logger.error(`table-changed listener failed: ${String(error)}`);
        }
      }
    }
  }
}
