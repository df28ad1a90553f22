import { Global, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { DatabaseOutageLog } from './database-outage';
import { DatabasePingRepository } from './database-ping.repository';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { RegionsController } from './regions.controller';
import { ShutdownState } from './shutdown-state';

@Global()
@Module({
  controllers: [HealthController, MetricsController, RegionsController],
  providers: [MetricsService, ShutdownState, DatabaseOutageLog, DatabasePingRepository],
  exports: [MetricsService, ShutdownState],
})
export class OpsModule implements NestModule {
  constructor(private readonly outage: DatabaseOutageLog) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.outage.middleware()).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
