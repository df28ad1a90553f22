export { TablecastClient, endpoints } from './client';
export type { TablecastClientOptions } from './client';
export { TableHandle } from './table-handle';
export { MemoryStore } from './memory-store';
export { TablecastError } from './errors';
export { compareIds } from './id-order';
export type { Change, ResubscribeEvent, Store, StoredTable, StoreWrite, SubscribeAck, TableAddress, TableChangeEvent, TableRecord, TableSnapshot, TableStatus, TokenSource } from './types';
