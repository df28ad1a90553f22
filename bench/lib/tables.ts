import { TableAddress } from '../gen/socket-clients';
import { BenchSession, http } from '../setup';

/** Creates the tables through the REST API (so subscribers see them exist); returns their addresses. */
export async function createTables(session: BenchSession, names: string[]): Promise<TableAddress[]> {
  for (const name of names) {
    const res = await http('POST', `${session.solutionUrl}/tables`, session.token, { name });
    if (res.status !== 201 && res.status !== 409) throw new Error(`create table ${name}: HTTP ${res.status} ${res.text}`);
  }
  return names.map((table) => ({ organizationId: session.organizationId, solutionId: session.solutionId, table }));
}

export function cdcPath(session: BenchSession): string {
  return `${new URL(session.solutionUrl).pathname}/acumatica/cdc`;
}
