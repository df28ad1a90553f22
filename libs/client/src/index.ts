export { TablecastClient, endpoints } from './client.js';
export type { TablecastClientOptions } from './client.js';
export { TableHandle } from './table-handle.js';
export { MemoryStore } from './memory-store.js';
export { TablecastError } from './errors.js';
export { compareIds } from './id-order.js';
export type { Change, ResubscribeEvent, Store, StoredTable, StoreWrite, SubscribeAck, TableAddress, TableChangeEvent, TableRecord, TableSnapshot, TableStatus, TokenSource } from './types.js';
