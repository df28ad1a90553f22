import { Module } from '@nestjs/common';
import { DynamicDataModule } from '@tablecast/dynamic-data';
import { RealtimeModule } from './realtime.module';
import { RealtimeMetrics } from './realtime.metrics';

/** What watches and documents the realtime interface without being part of it: metrics. */
@Module({
  imports: [RealtimeModule, DynamicDataModule],
  providers: [RealtimeMetrics],
})
export class RealtimeObservabilityModule {}
