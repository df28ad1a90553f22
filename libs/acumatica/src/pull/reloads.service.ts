import { Injectable } from '@nestjs/common';
import { BadRequestError, decodeCursor, DomainError, NotFoundError, Page, toPage } from '@tablecast/common';
import { keyFieldsProblem, TablesService } from '@tablecast/dynamic-data';
import { randomUUID } from 'node:crypto';
import { ConnectionsService, Scope } from './connections.service';
import { PutSourceDto } from './dto/pull.dto';
import { PullRepository } from './pull.repository';
import { ReloadWorker } from './reload-worker.service';
import { ReloadView, SourceView, toReloadView, toSourceView } from './views';

/** A column or OData property name: 1–200 characters, no NUL. */
const isColumn = (name: unknown): boolean => typeof name === 'string' && name.length >= 1 && name.length <= 200 && !name.includes('\u0000');

@Injectable()
export class ReloadsService {
  constructor(
    private readonly repository: PullRepository,
    private readonly tables: TablesService,
    private readonly connections: ConnectionsService,
    private readonly worker: ReloadWorker,
  ) {}

  /** Ties the table to a Generic Inquiry; creates the table (with `keyFields`) when it does not exist. Starts no reload. */
  async putSource(scope: Scope, table: string, dto: PutSourceDto): Promise<SourceView> {
    if (dto.keyFields !== undefined) {
      const problem = Array.isArray(dto.keyFields) ? keyFieldsProblem(dto.keyFields) : 'must be an array of column names';
      if (problem) throw new BadRequestError(`keyFields: ${problem}`, [{ field: 'keyFields', message: `keyFields ${problem}` }]);
    }
    const fieldMap = dto.fieldMap ?? {};
    for (const [name, column] of Object.entries(fieldMap)) {
      if (!isColumn(column) || !isColumn(name)) {
        const message = `fieldMap.${name} must map an OData property name to a column name (1–200 characters)`;
        throw new BadRequestError(message, [{ field: `fieldMap.${name}`, message }]);
      }
    }
    await this.connections.require(scope, dto.connectionId);
    let row = await this.tables.find(scope.organizationId, scope.solutionId, table);
    if (!row) {
      if (!dto.keyFields) throw missingKeyFields(table);
      await this.tables.create(scope.organizationId, scope.solutionId, table, dto.keyFields);
    } else if (!row.key_fields) {
      if (!dto.keyFields) throw missingKeyFields(table);
      await this.tables.setKeyFields(scope.organizationId, scope.solutionId, table, dto.keyFields);
    } else if (dto.keyFields && dto.keyFields.join('\u0000') !== row.key_fields.join('\u0000')) {
      const message = `keyFields ${JSON.stringify(dto.keyFields)} differ from the table's key fields ${JSON.stringify(row.key_fields)}; leave keyFields out (or change the table's key fields with PATCH)`;
      throw new BadRequestError(`keyFields: ${message}`, [{ field: 'keyFields', message }]);
    }
    row = await this.tables.require(scope.organizationId, scope.solutionId, table);
    await this.repository.upsertSource(row.id, dto.connectionId, dto.genericInquiry, fieldMap, dto.everyMinutes ?? null);
    return this.getSource(scope, table);
  }

  async getSource(scope: Scope, table: string): Promise<SourceView> {
    const row = await this.tables.require(scope.organizationId, scope.solutionId, table);
    const source = await this.repository.findSource(row.id);
    if (!source) throw new NotFoundError(`The table ${JSON.stringify(table)} has no source.`);
    return toSourceView(source, row.name, row.key_fields);
  }

  async deleteSource(scope: Scope, table: string): Promise<void> {
    const row = await this.tables.require(scope.organizationId, scope.solutionId, table);
    if (!(await this.repository.deleteSource(row.id))) throw new NotFoundError(`The table ${JSON.stringify(table)} has no source.`);
  }

  /** 202: queued. 409 naming the reload already queued or running for the table. */
  async create(scope: Scope, table: string, mode: 'full' | 'compare'): Promise<ReloadView> {
    const row = await this.tables.require(scope.organizationId, scope.solutionId, table);
    if (!(await this.repository.findSource(row.id))) {
      throw new NotFoundError(`The table ${JSON.stringify(table)} has no source: PUT …/tables/${table}/source first.`);
    }
    const id = randomUUID();
    if (!(await this.repository.createReload(id, row.id, mode))) {
      const active = await this.repository.activeReload(row.id);
      const message = `reload ${active?.id ?? '(just finished)'} of table ${JSON.stringify(table)} is ${active?.status ?? 'in progress'}; wait for it or cancel it`;
      throw new DomainError('conflict', message, { body: { reloadId: active?.id ?? null } });
    }
    await this.worker.dispatch(id);
    return this.get(scope, table, id);
  }

  async list(scope: Scope, table: string, limit: number, cursor?: string): Promise<Page<ReloadView>> {
    const row = await this.tables.require(scope.organizationId, scope.solutionId, table);
    const before = cursor ? decodeCursor(cursor, ['digits', 'uuid']) : undefined;
    const rows = await this.repository.listReloads(row.id, limit, before && { createdUs: String(before[0]), id: String(before[1]) });
    return toPage(
      rows,
      limit,
      (r) => toReloadView(r, row.name),
      (r) => [r.created_us, r.id],
    );
  }

  async get(scope: Scope, table: string, id: string): Promise<ReloadView> {
    const row = await this.tables.require(scope.organizationId, scope.solutionId, table);
    const reload = await this.repository.findReload(row.id, id);
    if (!reload) throw new NotFoundError(`No reload ${id} of table ${JSON.stringify(table)}.`);
    return toReloadView(reload, row.name);
  }

  /** Cancels a queued or running reload (its session signs out); 409 when it already ended. */
  async cancel(scope: Scope, table: string, id: string): Promise<ReloadView> {
    const view = await this.get(scope, table, id);
    const row = await this.tables.require(scope.organizationId, scope.solutionId, table);
    if (!(await this.repository.cancel(id))) {
      throw new DomainError('conflict', `reload ${id} already ended (${view.status}); only a queued or running reload can be cancelled`);
    }
    this.worker.abortLocal(id);
    return toReloadView((await this.repository.findReload(row.id, id))!, row.name);
  }
}

function missingKeyFields(table: string): BadRequestError {
  const message = `the table ${JSON.stringify(table)} has no key fields: give keyFields (the Generic Inquiry's key columns)`;
  return new BadRequestError(`keyFields: ${message}`, [{ field: 'keyFields', message }]);
}
