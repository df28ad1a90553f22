export * from './io.adapter';
export * from './pg-notify.doorbell';
export * from './realtime.module';
export * from './realtime.types';
export * from './socket-sessions.service';
export * from './table-feed.service';
export * from './realtime-observability.module';
export * from './asyncapi/asyncapi.document';
