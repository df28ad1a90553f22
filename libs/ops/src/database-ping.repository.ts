import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The one question operations ask the database: does it answer, within `timeoutMs`? */
@Injectable()
export class DatabasePingRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** True when `SELECT 1` answers in time; false on any failure or after the timeout. */
  async answers(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((done) => (timer = setTimeout(() => done(false), timeoutMs)));
    const query = this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
