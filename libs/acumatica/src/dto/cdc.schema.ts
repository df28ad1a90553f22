import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageSchema } from '@tablecast/common';
import { CdcReceipt } from '../cdc.service';
import { DeliveryView } from '../deliveries.service';

// OpenAPI schemas of the CDC route (documentation only: the body is parsed losslessly by push-notification.ts).

const ROW = {
  type: 'object',
  additionalProperties: true,
  description:
    'A flat row of the Generic Inquiry’s output columns, with _tab (source entity), _del (deleted in Acumatica) and _mod (last modified, local time)',
} as const;

export class AcumaticaPushNotification {
  [extra: string]: unknown;

  @ApiProperty({ type: 'array', items: ROW, description: 'Rows now in the inquiry' })
  Inserted: Record<string, unknown>[];

  @ApiProperty({ type: 'array', items: ROW, description: 'Rows that left the inquiry (same id in Inserted: an update)' })
  Deleted: Record<string, unknown>[];

  @ApiProperty({ example: 'JX-Customers', description: 'The Generic Inquiry name' })
  Query: string;

  @ApiProperty({ example: 'MyStore' })
  CompanyId: string;

  @ApiPropertyOptional({
    example: '3f0c1a2e-8b1d-4c55-9a3e-0d6f2b7c9e11',
    description: 'Notification id: with CompanyId and Query, what makes a repeat a duplicate',
  })
  Id?: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+$' }],
    description:
      '.NET ticks (~6.4e17, beyond 2^53), as a JSON number or a string of digits; read exactly, never through a float. Orders notifications per record.',
    example: '638780557445871234',
  })
  TimeStamp?: number | string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  AdditionalInfo?: Record<string, unknown>;
}

/**
 * Sample bodies from test/fixtures/acumatica (Acumatica's documentation and a constructed Customer GI).
 * Acumatica writes TimeStamp as a JSON number; here it is the equally accepted string of digits,
 * because a JavaScript number cannot hold those 18 digits exactly.
 */
export const PUSH_NOTIFICATION_EXAMPLES = {
  stockItemUpdate: {
    summary: 'Stock item status update (Acumatica documentation): the same key in Deleted and Inserted is an update',
    value: {
      Inserted: [
        { InventoryID: 'AACOMPUT01', StockItem: true, ItemStatus: 'Inactive', InventoryItem_lastModifiedDateTime: '2024-05-05T15:16:23.1' },
      ],
      Deleted: [
        { InventoryID: 'AACOMPUT01', StockItem: true, ItemStatus: 'Active', InventoryItem_lastModifiedDateTime: '2024-05-05T15:16:23.103' },
      ],
      Query: 'Stock Items: Last Modified Date',
      CompanyId: 'MyTenant',
      Id: '1af4d140-5321-41f2-a2ec-50b67f577c6c',
      TimeStamp: '636295833829493672',
      AdditionalInfo: {},
    },
  },
  customerInsert: {
    summary: 'Customer insert through a GI with _tab/_del/_mod',
    value: {
      Inserted: [
        {
          CustomerID: 'C000000101',
          CustomerName: 'Harbor Street Bakery',
          CustomerClass: 'LOCAL',
          Status: 'Active',
          Email: 'orders@harborbakery.example',
          CreditLimit: 5000.0,
          _tab: 'Customer',
          _del: false,
          _mod: '2025-03-20T09:22:24.573',
        },
      ],
      Deleted: [],
      Query: 'JX-Customers',
      CompanyId: 'MyStore',
      Id: '3f0c1a2e-8b1d-4c55-9a3e-0d6f2b7c9e11',
      TimeStamp: '638780557445871234',
      AdditionalInfo: { PXPerformanceInfoStartTime: '03/20/2025 08:22:24' },
    },
  },
};

const COUNT = { type: 'integer', minimum: 0 } as const;

export class CdcReceiptResponse implements CdcReceipt {
  @ApiProperty({ description: 'true: this notification was applied before; nothing changed now' })
  duplicate: boolean;

  @ApiProperty({ ...COUNT, example: 1 })
  inserted: number;

  @ApiProperty({ ...COUNT, example: 0 })
  updated: number;

  @ApiProperty({ ...COUNT, example: 0 })
  deleted: number;

  @ApiProperty({ ...COUNT, example: 0, description: 'Rows identical to the stored record' })
  unchanged: number;

  @ApiProperty({ ...COUNT, example: 0, description: 'Rows older (TimeStamp) than the stored record, left as they were' })
  stale: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', properties: { head: { type: 'integer' } }, required: ['head'] },
    example: { Customers: { head: 4711 } },
    description: 'Each table the notification touched, with its head after it',
  })
  tables: Record<string, { head: number }>;
}

export class DeliveryResponse implements DeliveryView {
  @ApiProperty({ description: 'Opaque, increasing' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  receivedAt: string;

  @ApiProperty({ type: 'integer', example: 200, description: 'HTTP status answered' })
  status: number;

  @ApiProperty()
  duplicate: boolean;

  @ApiProperty({ type: String, nullable: true })
  companyId: string | null;

  @ApiProperty({ type: String, nullable: true })
  query: string | null;

  @ApiProperty({ type: String, nullable: true })
  notificationId: string | null;

  @ApiProperty({ type: String, nullable: true, pattern: '^[0-9]+$', description: 'The notification’s TimeStamp, exact' })
  timeStamp: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The ?table= parameter' })
  table: string | null;

  @ApiProperty({ type: 'integer' })
  rows: number;

  @ApiProperty({ type: 'integer' })
  durationMs: number;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The 200 answer (CdcReceipt), or null' })
  receipt: unknown;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The problem+json answered, or null' })
  error: unknown;
}

export class DeliveryPage extends PageSchema(DeliveryResponse) {}
