import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { AuthModule } from '@tablecast/auth';
import { DynamicDataModule, RetentionService } from '@tablecast/dynamic-data';
import { TenancyModule } from '@tablecast/tenancy';
import { secretBoxProvider } from './secrets.provider';
import { WEBHOOK_WORKER, WebhookDelivery } from './webhook-delivery.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [AuthModule, TenancyModule, DynamicDataModule],
  controllers: [WebhooksController],
  providers: [WebhooksRepository, WebhooksService, WebhookDelivery, secretBoxProvider, { provide: WEBHOOK_WORKER, useValue: true }],
  exports: [WebhooksService, WebhookDelivery],
})
export class WebhooksModule implements OnModuleInit {
  constructor(
    private readonly retention: RetentionService,
    private readonly repository: WebhooksRepository,
  ) {}

  /** For processes that manage webhooks but must not deliver (the CLI): the serving nodes send. */
  static withoutWorker(): DynamicModule {
    return { module: WebhooksModule, providers: [{ provide: WEBHOOK_WORKER, useValue: false }] };
  }

  /** The attempts log is kept as long as the change log (RETENTION_DAYS). */
  onModuleInit(): void {
    this.retention.register('webhook-attempts', (cutoff, batch) => this.repository.purgeAttempts(cutoff, batch));
  }
}
