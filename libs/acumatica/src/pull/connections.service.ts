import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { BadRequestError, ConflictError, decodeCursor, NotFoundError, Page, SecretBox, targetProblem, toPage } from '@tablecast/common';
import { outboundConfig } from '@tablecast/config';
import { classifyDatabaseError } from '@tablecast/database';
import { SolutionsService } from '@tablecast/tenancy';
import { randomUUID } from 'node:crypto';
import { AcumaticaError } from './acumatica-client';
import { AcumaticaSessions } from './acumatica-sessions.service';
import { CreateConnectionDto, PatchConnectionDto } from './dto/pull.dto';
import { ConnectionFields, ConnectionRow, PullRepository } from './pull.repository';
import { ConnectionView, toConnectionView } from './views';

export interface Scope {
  organizationId: string;
  solutionId: string;
}

export type ConnectionTest = { ok: true } | { ok: false; error: { code: string; message: string } };

@Injectable()
export class ConnectionsService {
  constructor(
    private readonly repository: PullRepository,
    private readonly solutions: SolutionsService,
    private readonly sessions: AcumaticaSessions,
    private readonly box: SecretBox,
    @Inject(outboundConfig.KEY) private readonly outbound: ConfigType<typeof outboundConfig>,
  ) {}

  async create(scope: Scope, dto: CreateConnectionDto): Promise<ConnectionView> {
    await this.solutions.assertExists(scope.organizationId, scope.solutionId);
    await this.checkUrl(dto.instanceUrl);
    const id = randomUUID();
    await this.named(() =>
      this.repository.createConnection(id, scope.solutionId, {
        ...dto,
        clientSecret: this.seal(id, 'clientSecret', dto.clientSecret),
        password: this.seal(id, 'password', dto.password),
      }),
    );
    return this.get(scope, id);
  }

  async get(scope: Scope, id: string): Promise<ConnectionView> {
    return toConnectionView(await this.require(scope, id));
  }

  async list(scope: Scope, limit: number, cursor?: string): Promise<Page<ConnectionView>> {
    await this.solutions.assertExists(scope.organizationId, scope.solutionId);
    const after = cursor ? decodeCursor(cursor, ['digits', 'uuid']) : undefined;
    const rows = await this.repository.listConnections(
      scope.solutionId,
      limit,
      after && { createdUs: String(after[0]), id: String(after[1]) },
    );
    return toPage(rows, limit, toConnectionView, (row) => [row.created_us, row.id]);
  }

  async update(scope: Scope, id: string, dto: PatchConnectionDto): Promise<ConnectionView> {
    await this.require(scope, id);
    if (dto.instanceUrl !== undefined) await this.checkUrl(dto.instanceUrl);
    const fields: ConnectionFields = { ...dto };
    if (dto.clientSecret !== undefined) fields.clientSecret = this.seal(id, 'clientSecret', dto.clientSecret);
    if (dto.password !== undefined) fields.password = this.seal(id, 'password', dto.password);
    await this.named(() => this.repository.updateConnection(id, fields));
    return this.get(scope, id);
  }

  async delete(scope: Scope, id: string): Promise<void> {
    await this.require(scope, id);
    try {
      await this.repository.deleteConnection(id);
    } catch (error) {
      if ((error as { code?: string }).code !== '23503') throw error;
      const tables = await this.repository.sourceTables(id);
      const message = `the connection is the source of table(s) ${tables.map((t) => JSON.stringify(t)).join(', ')}; delete or change those sources first`;
      throw new ConflictError(`connection: ${message}`);
    }
  }

  /** Signs in, reads the OData service document, signs out. */
  async test(scope: Scope, id: string): Promise<ConnectionTest> {
    const row = await this.require(scope, id);
    try {
      await this.sessions.with(row, (session) => session.serviceDocument());
      return { ok: true };
    } catch (error) {
      if (error instanceof AcumaticaError) return { ok: false, error: { code: error.code, message: error.message } };
      throw error;
    }
  }

  async require(scope: Scope, id: string): Promise<ConnectionRow> {
    const row = await this.repository.findConnection(scope.organizationId, scope.solutionId, id);
    if (row) return row;
    await this.solutions.assertExists(scope.organizationId, scope.solutionId);
    throw new NotFoundError('No such Acumatica connection in this solution.');
  }

  private seal(id: string, field: string, value: string): string {
    return this.box.seal(value, `acumatica:${id}:${field}`);
  }

  private async checkUrl(url: string): Promise<void> {
    let problem = await targetProblem(url, this.outbound.allowPrivateNetwork);
    if (!problem && /[?#]/.test(url)) problem = 'url must be http(s)://host[:port][/path], without a query or fragment';
    if (problem) {
      const message = problem.replace(/^url/, 'instanceUrl');
      throw new BadRequestError(`Invalid request: ${message}`, [{ field: 'instanceUrl', message }]);
    }
  }

  /** A name taken in this solution is 409 naming `name`. */
  private async named(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (classifyDatabaseError(error)?.kind === 'conflict') {
        throw new ConflictError('name: a connection with this name already exists in this solution.');
      }
      throw error;
    }
  }
}
