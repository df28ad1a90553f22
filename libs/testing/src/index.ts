export * from './test-database';
export * from './wait';
export * from './http-client';
export * from './acumatica-server';
