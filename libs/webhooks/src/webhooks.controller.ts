import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@tablecast/auth';
import { ListQueryDto, Page, UuidParamPipe } from '@tablecast/common';
import { CreateWebhookDto, PatchWebhookDto, ReplayWebhookDto } from './dto/webhook.dto';
import {
  AttemptPage,
  CreatedWebhookResponse,
  ReplayAcceptedResponse,
  WebhookPage,
  WebhookResponse,
  WebhookSecretResponse,
} from './dto/webhook.response';
import { AttemptView, WebhookView } from './views';
import { CreatedWebhook, WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Controller('tool/organizations/:organizationId/solutions/:solutionId/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @RequireScopes('Create a webhook (the secret is shown only in this answer)', 'org:admin')
  @ApiCreatedResponse({ type: CreatedWebhookResponse })
  create(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Body() body: CreateWebhookDto,
  ): Promise<CreatedWebhook> {
    return this.webhooks.create({ organizationId, solutionId }, body);
  }

  @Get()
  @RequireScopes('List webhooks (never their secrets)', 'org:admin')
  @ApiOkResponse({ type: WebhookPage })
  list(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Query() query: ListQueryDto,
  ): Promise<Page<WebhookView>> {
    return this.webhooks.list({ organizationId, solutionId }, query.limit, query.cursor);
  }

  @Get(':webhookId')
  @RequireScopes('Get a webhook with its cursors per table', 'org:admin')
  @ApiOkResponse({ type: WebhookResponse })
  get(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Param('webhookId', UuidParamPipe) webhookId: string,
  ): Promise<WebhookView> {
    return this.webhooks.get({ organizationId, solutionId }, webhookId);
  }

  @Patch(':webhookId')
  @RequireScopes('Change a webhook; {"enabled": true} resumes from the first undelivered change', 'org:admin')
  @ApiOkResponse({ type: WebhookResponse })
  update(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Param('webhookId', UuidParamPipe) webhookId: string,
    @Body() body: PatchWebhookDto,
  ): Promise<WebhookView> {
    return this.webhooks.update({ organizationId, solutionId }, webhookId, body);
  }

  @Delete(':webhookId')
  @HttpCode(204)
  @RequireScopes('Delete a webhook', 'org:admin')
  @ApiNoContentResponse({ description: 'Deleted' })
  delete(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Param('webhookId', UuidParamPipe) webhookId: string,
  ): Promise<void> {
    return this.webhooks.delete({ organizationId, solutionId }, webhookId);
  }

  @Post(':webhookId/rotate-secret')
  @HttpCode(200)
  @RequireScopes('Replace the secret (the old one also signs for 24 hours)', 'org:admin')
  @ApiOkResponse({ type: WebhookSecretResponse })
  rotateSecret(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Param('webhookId', UuidParamPipe) webhookId: string,
  ): Promise<{ secret: string }> {
    return this.webhooks.rotateSecret({ organizationId, solutionId }, webhookId);
  }

  @Post(':webhookId/replay')
  @HttpCode(202)
  @RequireScopes('Send a table’s changes after `since` again, before newer ones', 'org:admin')
  @ApiAcceptedResponse({ type: ReplayAcceptedResponse })
  async replay(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Param('webhookId', UuidParamPipe) webhookId: string,
    @Body() body: ReplayWebhookDto,
  ): Promise<{ accepted: true }> {
    await this.webhooks.replay({ organizationId, solutionId }, webhookId, body.table, body.since);
    return { accepted: true };
  }

  @Get(':webhookId/attempts')
  @RequireScopes('Delivery attempts, newest first', 'org:admin')
  @ApiOkResponse({ type: AttemptPage })
  attempts(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Param('webhookId', UuidParamPipe) webhookId: string,
    @Query() query: ListQueryDto,
  ): Promise<Page<AttemptView>> {
    return this.webhooks.attempts({ organizationId, solutionId }, webhookId, query.limit, query.cursor);
  }
}
