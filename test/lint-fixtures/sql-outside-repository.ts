// Linted as if it were libs/alpha/src/alpha.service.ts: every statement below breaks a rule.
export async function writeBehindTheWritePath(dataSource: any): Promise<void> {
  await dataSource.query('SELECT 1');
  await dataSource.transaction(async (manager: any) => manager.query(`INSERT INTO records (id) VALUES ($1)`, ['x']));
  await dataSource.query('BEGIN');
  await dataSource.query('DELETE FROM changes WHERE seq < $1', [1]);
}
