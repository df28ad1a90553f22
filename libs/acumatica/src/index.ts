export * from './acumatica.module';
export * from './cdc.service';
export * from './change-mapping';
export * from './push-notification';
