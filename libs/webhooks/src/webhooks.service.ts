import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { BadRequestError, decodeCursor, encodeCursor, NotFoundError, Page, SecretBox, targetProblem } from '@tablecast/common';
import { outboundConfig } from '@tablecast/config';
import { TransactionRunner } from '@tablecast/database';
import { TablesService } from '@tablecast/dynamic-data';
import { SolutionsService } from '@tablecast/tenancy';
import { randomUUID } from 'node:crypto';
import { CreateWebhookDto, PatchWebhookDto } from './dto/webhook.dto';
import { generateWebhookSecret } from './signature';
import { AttemptView, toAttemptView, toWebhookView, WebhookView } from './views';
import { WebhookRow, WebhooksRepository } from './webhooks.repository';
import { WebhookDelivery } from './webhook-delivery.service';

/** How long the previous secret still signs after a rotation (CONTRACT: 24 hours). */
export const PREVIOUS_SECRET_MS = 24 * 3_600_000;

export type CreatedWebhook = WebhookView & { secret: string };

export interface Scope {
  organizationId: string;
  solutionId: string;
}

@Injectable()
export class WebhooksService {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly transactions: TransactionRunner,
    private readonly solutions: SolutionsService,
    private readonly tables: TablesService,
    private readonly box: SecretBox,
    private readonly delivery: WebhookDelivery,
    @Inject(outboundConfig.KEY) private readonly outbound: ConfigType<typeof outboundConfig>,
  ) {}

  async create(scope: Scope, dto: CreateWebhookDto): Promise<CreatedWebhook> {
    await this.solutions.assertExists(scope.organizationId, scope.solutionId);
    await this.checkUrl(dto.url);
    const id = randomUUID();
    const secret = generateWebhookSecret();
    const created = await this.transactions.run((manager) =>
      this.repository.create(manager, {
        id,
        ...scope,
        url: dto.url,
        tables: dto.tables ? [...new Set(dto.tables)] : null,
        description: dto.description ?? '',
        enabled: dto.enabled ?? true,
        secret: this.box.seal(secret, id),
      }),
    );
    if (!created) throw new NotFoundError('No such solution in this organization.');
    return { ...(await this.get(scope, id)), secret };
  }

  async get(scope: Scope, id: string): Promise<WebhookView> {
    const row = await this.require(scope, id);
    return toWebhookView(row, await this.repository.cursors([row.id]));
  }

  async list(scope: Scope, limit: number, cursor?: string): Promise<Page<WebhookView>> {
    await this.solutions.assertExists(scope.organizationId, scope.solutionId);
    const after = cursor ? decodeCursor(cursor, ['digits', 'uuid']) : undefined;
    const rows = await this.repository.list(
      scope.organizationId,
      scope.solutionId,
      limit,
      after && { createdUs: String(after[0]), id: String(after[1]) },
    );
    const page = rows.slice(0, limit);
    const cursors = await this.repository.cursors(page.map((row) => row.id));
    const last = page[page.length - 1];
    return {
      items: page.map((row) =>
        toWebhookView(
          row,
          cursors.filter((c) => c.webhook_id === row.id),
        ),
      ),
      nextCursor: rows.length > limit ? encodeCursor([last.created_us, last.id]) : null,
    };
  }

  async update(scope: Scope, id: string, dto: PatchWebhookDto): Promise<WebhookView> {
    if (dto.url !== undefined) await this.checkUrl(dto.url);
    await this.transactions.run(async (manager) => {
      const row = await this.repository.lock(manager, scope.organizationId, scope.solutionId, id);
      if (!row) throw new NotFoundError('No such webhook in this solution.');
      await this.repository.update(manager, id, {
        url: dto.url,
        tables: dto.tables === undefined ? undefined : dto.tables === null ? null : [...new Set(dto.tables)],
        description: dto.description,
        enabled: dto.enabled,
      });
    });
    if (dto.enabled) this.delivery.ring();
    return this.get(scope, id);
  }

  async delete(scope: Scope, id: string): Promise<void> {
    if (!(await this.repository.delete(scope.organizationId, scope.solutionId, id))) {
      await this.solutions.assertExists(scope.organizationId, scope.solutionId);
      throw new NotFoundError('No such webhook in this solution.');
    }
  }

  /** A new secret; the previous one keeps signing (a second signature) for 24 hours. */
  async rotateSecret(scope: Scope, id: string): Promise<{ secret: string }> {
    const secret = generateWebhookSecret();
    await this.transactions.run(async (manager) => {
      const row = await this.repository.lock(manager, scope.organizationId, scope.solutionId, id);
      if (!row) throw new NotFoundError('No such webhook in this solution.');
      await this.repository.rotate(manager, id, this.box.seal(secret, id), new Date(Date.now() + PREVIOUS_SECRET_MS));
    });
    return { secret };
  }

  async replay(scope: Scope, id: string, table: string, since: number): Promise<void> {
    const row = await this.require(scope, id);
    const tableRow = await this.tables.require(scope.organizationId, scope.solutionId, table);
    if (!(await this.repository.requestReplay(row.id, tableRow.id, since))) {
      throw new BadRequestError(`This webhook does not deliver the table ${JSON.stringify(table)}.`, [
        { field: 'table', message: 'table is not one of the webhook’s tables' },
      ]);
    }
    this.delivery.ring();
  }

  async attempts(scope: Scope, id: string, limit: number, cursor?: string): Promise<Page<AttemptView>> {
    const row = await this.require(scope, id);
    const before = cursor ? decodeCursor(cursor, ['digits', 'uuid']) : undefined;
    const rows = await this.repository.listAttempts(row.id, limit, before && { atUs: String(before[0]), id: String(before[1]) });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toAttemptView), nextCursor: rows.length > limit ? encodeCursor([last.at_us, last.id]) : null };
  }

  private async require(scope: Scope, id: string): Promise<WebhookRow> {
    const row = await this.repository.find(scope.organizationId, scope.solutionId, id);
    if (row) return row;
    await this.solutions.assertExists(scope.organizationId, scope.solutionId);
    throw new NotFoundError('No such webhook in this solution.');
  }

  private async checkUrl(url: string): Promise<void> {
    const problem = await targetProblem(url, this.outbound.allowPrivateNetwork);
    if (problem) throw new BadRequestError(`Invalid request: ${problem}`, [{ field: 'url', message: problem }]);
  }
}
