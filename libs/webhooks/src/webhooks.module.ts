import { Module, OnModuleInit } from '@nestjs/common';
import { AuthModule } from '@tablecast/auth';
import { DynamicDataModule, RetentionService } from '@tablecast/dynamic-data';
import { TenancyModule } from '@tablecast/tenancy';
import { secretBoxProvider } from './secrets.provider';
import { WebhookDelivery } from './webhook-delivery.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [AuthModule, TenancyModule, DynamicDataModule],
  controllers: [WebhooksController],
  providers: [WebhooksRepository, WebhooksService, WebhookDelivery, secretBoxProvider],
  exports: [WebhooksService, WebhookDelivery],
})
export class WebhooksModule implements OnModuleInit {
  constructor(
    private readonly retention: RetentionService,
    private readonly repository: WebhooksRepository,
  ) {}

  /** The attempts log is kept as long as the change log (RETENTION_DAYS). */
  onModuleInit(): void {
    this.retention.register('webhook-attempts', (cutoff, batch) => this.repository.purgeAttempts(cutoff, batch));
  }
}
