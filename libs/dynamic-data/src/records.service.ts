import { Injectable } from '@nestjs/common';
import {
  BadRequestError,
  decodeCursor,
  findUnstorable,
  NotFoundError,
  Page,
  parseExactJson,
  stringifyExact,
  toPage,
  unstorableNumberLiteral,
} from '@tablecast/common';
import { DataWriter } from './data-writer';
import { RecordsRepository } from './records.repository';
import { TablesService } from './tables.service';
import { RecordView, toRecordView } from './views';

const MAX_FILTER_LENGTH = 8192;

export interface RecordQuery {
  limit: number;
  cursor?: string;
  filter?: string;
  includeDeleted: boolean;
}

@Injectable()
export class RecordsService {
  constructor(
    private readonly tables: TablesService,
    private readonly records: RecordsRepository,
    private readonly writer: DataWriter,
  ) {}

  async list(organizationId: string, solutionId: string, table: string, query: RecordQuery): Promise<Page<RecordView>> {
    const filter = query.filter === undefined ? undefined : parseFilter(query.filter);
    const row = await this.tables.require(organizationId, solutionId, table);
    const afterId = query.cursor ? String(decodeCursor(query.cursor, ['string'])[0]) : undefined;
    const rows = await this.records.list(row.id, { limit: query.limit, afterId, filter, includeDeleted: query.includeDeleted });
    return toPage(rows, query.limit, toRecordView, (record) => [record.id]);
  }

  async get(organizationId: string, solutionId: string, table: string, id: string, includeDeleted: boolean): Promise<RecordView> {
    const row = await this.tables.require(organizationId, solutionId, table);
    const record = await this.records.find(row.id, id);
    if (!record || (record.deleted && !includeDeleted)) throw new NotFoundError(`No record ${JSON.stringify(id)} in this table.`);
    return toRecordView(record);
  }

  /** Insert or replace a record's data; `created` when it did not exist (or was deleted). */
  async put(
    organizationId: string,
    solutionId: string,
    table: string,
    id: string,
    data: Record<string, unknown>,
  ): Promise<{ record: RecordView; created: boolean }> {
    const result = await this.writer.write({ organizationId, solutionId }, [{ table, changes: [{ id, op: 'upsert', data }] }], {
      // Read under the same lock: the answer is the version this write left, not a later one.
      readBack: async (tables) => (await tables.get(table)!.find(id))!,
    });
    if (result.duplicate) throw new Error('a write without dedupe cannot be a duplicate');
    return { record: result.readBack, created: result.sets[0].outcomes[0] === 'inserted' };
  }

  /** Tombstones a live record (404 when there is none), producing a delete change. */
  async delete(organizationId: string, solutionId: string, table: string, id: string): Promise<void> {
    await this.writer.write({ organizationId, solutionId }, [
      {
        table,
        changes: async (locked) => {
          const record = await locked.find(id);
          if (!record || record.deleted) throw new NotFoundError(`No record ${JSON.stringify(id)} in this table.`);
          return [{ id, op: 'delete' }];
        },
      },
    ]);
  }
}

/** `filter` is URL-encoded JSON; a record matches when its data contains it. */
function parseFilter(text: string): string {
  const invalid = (message: string) => new BadRequestError(`filter ${message}`, [{ field: 'filter', message: `filter ${message}` }]);
  if (text.length > MAX_FILTER_LENGTH) throw invalid(`must be at most ${MAX_FILTER_LENGTH} characters`);
  let parsed: unknown;
  try {
    parsed = parseExactJson(text); // exact numbers; a repeated key is refused where JSON.parse would drop one silently
  } catch {
    throw invalid('must be URL-encoded JSON, e.g. {"Status":"Active"}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid('must be a JSON object');
  const problem = findUnstorable(parsed);
  if (problem) throw invalid(`${problem.path ? `at ${problem.path} ` : ''}${problem.message}`);
  const literal = unstorableNumberLiteral(text);
  if (literal !== undefined) throw invalid(`has a number PostgreSQL cannot hold: ${literal.slice(0, 40)}`);
  // PostgreSQL gets what was checked, not the text: with a repeated key the text also holds values that were not.
  return stringifyExact(parsed);
}
