import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { RegionsController } from './regions.controller';
import { ShutdownState } from './shutdown-state';

@Global()
@Module({
  controllers: [HealthController, MetricsController, RegionsController],
  providers: [MetricsService, ShutdownState],
  exports: [MetricsService, ShutdownState],
})
export class OpsModule {}
