import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { RegionsController } from './regions.controller';

@Global()
@Module({
  controllers: [HealthController, MetricsController, RegionsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class OpsModule {}
