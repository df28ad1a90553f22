export * from './dto/webhook.dto';
export * from './outbound-http';
export * from './secrets.provider';
export * from './signature';
export * from './views';
export * from './webhook-delivery.service';
export * from './webhooks.module';
export * from './webhooks.service';
