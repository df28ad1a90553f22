export * from './metrics.service';
export * from './ops.module';
export * from './shutdown-state';
