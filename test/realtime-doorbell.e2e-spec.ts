import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PgNotifyDoorbell } from '@tablecast/realtime';
import { createTestDatabase, TestDatabase, waitFor } from '@tablecast/testing';

const ring = (toSeq: number) => ({ organizationId: 'o', solutionId: 's', table: 't', tableId: 'id', fromSeq: toSeq, toSeq, origin: 'node-a' });

describe('the PostgreSQL NOTIFY doorbell', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let listener: Client;
  const payloads: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    dataSource = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    listener = new Client({ connectionString: database.url });
    await listener.connect();
    listener.on('notification', (message) => payloads.push(message.payload ?? ''));
    await listener.query('LISTEN tablecast_table_changed');
  });
  afterAll(async () => {
    await listener?.end();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('rings at once when no NOTIFY is in flight, and coalesces only the rings that came while one was', async () => {
    const doorbell = new PgNotifyDoorbell(database.url, dataSource);
    const heard: number[] = [];
    await doorbell.start(
      (r) => heard.push(r.kind === undefined ? r.toSeq : -1),
      () => undefined,
    );
    try {
      doorbell.ring(ring(1)); // nothing in flight: its own NOTIFY, without waiting for company
      doorbell.ring(ring(2)); // these two wait for the first and go out together
      doorbell.ring(ring(3));
      await waitFor(() => payloads.length === 2 && heard.length === 3, { what: 'two notifications' });
      expect(payloads.map((p) => (JSON.parse(p) as { toSeq: number }[]).map((r) => r.toSeq))).toEqual([[1], [2, 3]]);
      expect(heard).toEqual([1, 2, 3]);
      doorbell.ring(ring(4)); // idle again: at once
      await waitFor(() => payloads.length === 3, { what: 'the third notification' });
      expect(JSON.parse(payloads[2])).toEqual([ring(4)]);
    } finally {
      await doorbell.stop();
    }
  });
});
