import { Module } from '@nestjs/common';
import { DynamicDataModule } from '@tablecast/dynamic-data';
import { AsyncApiController } from './asyncapi/asyncapi.controller';
import { RealtimeModule } from './realtime.module';
import { RealtimeMetrics } from './realtime.metrics';

/** What watches and documents the realtime interface without being part of it: metrics and the AsyncAPI document. */
@Module({
  imports: [RealtimeModule, DynamicDataModule],
  controllers: [AsyncApiController],
  providers: [RealtimeMetrics],
})
export class RealtimeObservabilityModule {}
