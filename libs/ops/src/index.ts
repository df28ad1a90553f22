export * from './metrics.service';
export * from './ops.module';
