import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The retention purges. Each batch first locks the catalog rows of the tables it touches, by id
 * (the global lock order that every writer follows, see TablesRepository.lockForWrite), so a purge
 * and a notification can wait for each other but never deadlock.
 */
@Injectable()
export class RetentionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Purges the oldest changes before the cutoff, at most `batch` of them, and raises each table's
   * log floor to the highest seq purged. Within a table commit times grow with seq, so what goes is
   * always a prefix of its log. Returns how many went.
   */
  async purgeChanges(cutoff: Date, batch: number): Promise<number> {
    const rows: { purged: string }[] = await this.dataSource.query(
      `WITH victims AS (
         SELECT table_id, seq FROM changes WHERE modified_at < $1 ORDER BY modified_at LIMIT $2),
       locked AS (
         SELECT t.id FROM data_tables t WHERE t.id IN (SELECT table_id FROM victims) ORDER BY t.id FOR UPDATE),
       purged AS (
         DELETE FROM changes c USING victims v
          WHERE c.table_id = v.table_id AND c.seq = v.seq AND c.table_id IN (SELECT id FROM locked)
          RETURNING c.table_id, c.seq),
       floors AS (
         UPDATE data_tables t SET log_floor = GREATEST(t.log_floor, p.floor)
           FROM (SELECT table_id, max(seq) AS floor FROM purged GROUP BY table_id) p
          WHERE t.id = p.table_id RETURNING 1)
       SELECT (SELECT count(*) FROM purged)::text AS purged, (SELECT count(*) FROM floors) AS tables`,
      [cutoff, batch],
    );
    return Number(rows[0]?.purged ?? 0);
  }

  /** Tombstones older than the cutoff, in bounded batches; returns how many went. A record re-inserted meanwhile stays. */
  async purgeTombstones(cutoff: Date, batch: number): Promise<number> {
    const rows: { purged: string }[] = await this.dataSource.query(
      `WITH victims AS (
         SELECT table_id, id FROM records WHERE deleted AND modified_at < $1 LIMIT $2),
       locked AS (
         SELECT t.id FROM data_tables t WHERE t.id IN (SELECT table_id FROM victims) ORDER BY t.id FOR UPDATE),
       purged AS (
         DELETE FROM records r USING victims v
          WHERE r.table_id = v.table_id AND r.id = v.id AND r.table_id IN (SELECT id FROM locked)
            AND r.deleted AND r.modified_at < $1
          RETURNING 1)
       SELECT count(*)::text AS purged FROM purged`,
      [cutoff, batch],
    );
    return Number(rows[0]?.purged ?? 0);
  }
}
