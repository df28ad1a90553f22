import { ApiProperty } from '@nestjs/swagger';
import { PageSchema } from '@tablecast/common';
import { ConnectionView, ReloadResult, ReloadView, SourceView } from '../views';

// OpenAPI schemas of the Acumatica-pull answers; each mirrors its mapper in views.ts (implements keeps them in step).

export class ConnectionResponse implements ConnectionView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Production' })
  name: string;

  @ApiProperty({ example: 'https://acme.acumatica.com' })
  instanceUrl: string;

  @ApiProperty({ example: 'Company' })
  tenant: string;

  @ApiProperty({ example: '4A1F…@Company', description: 'the Connected Application’s client id' })
  clientId: string;

  @ApiProperty({ example: 'integration' })
  username: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class ConnectionPage extends PageSchema(ConnectionResponse) {}

class ConnectionTestError {
  @ApiProperty({ example: 'acumatica_auth' })
  code: string;

  @ApiProperty({ example: 'Acumatica refused the credentials at the token step (invalid_grant)' })
  message: string;
}

export class ConnectionTestResponse {
  @ApiProperty()
  ok: boolean;

  @ApiProperty({ type: ConnectionTestError, required: false, description: 'present when ok is false' })
  error?: ConnectionTestError;
}

export class SourceResponse implements SourceView {
  @ApiProperty({ example: 'Customers' })
  table: string;

  @ApiProperty({ format: 'uuid' })
  connectionId: string;

  @ApiProperty({ example: 'JX-Customers' })
  genericInquiry: string;

  @ApiProperty({ type: [String], nullable: true, example: ['CustomerID'] })
  keyFields: string[] | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { CustomerName: 'CustomerName' } })
  fieldMap: Record<string, string>;

  @ApiProperty({ type: 'integer', nullable: true, minimum: 5, description: 'a compare reload every N minutes; null: only on demand' })
  everyMinutes: number | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextRunAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

class ReloadProgress {
  @ApiProperty({ type: 'integer' })
  pages: number;

  @ApiProperty({ type: 'integer' })
  rowsRead: number;
}

class ReloadResultResponse implements ReloadResult {
  @ApiProperty({ type: 'integer' })
  inserted: number;

  @ApiProperty({ type: 'integer' })
  updated: number;

  @ApiProperty({ type: 'integer' })
  deleted: number;

  @ApiProperty({ type: 'integer' })
  unchanged: number;

  @ApiProperty({ type: 'integer', description: 'records changed after the reload started, left as they are' })
  skippedNewer: number;
}

class ReloadError {
  @ApiProperty({ example: 'acumatica_auth' })
  code: string;

  @ApiProperty()
  message: string;
}

export class ReloadResponse implements ReloadView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Customers' })
  table: string;

  @ApiProperty({ enum: ['full', 'compare'] })
  mode: 'full' | 'compare';

  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'] })
  status: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  startedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt: string | null;

  @ApiProperty({ type: ReloadProgress })
  progress: { pages: number; rowsRead: number };

  @ApiProperty({ type: ReloadResultResponse, nullable: true })
  result: ReloadResult | null;

  @ApiProperty({ type: ReloadError, nullable: true })
  error: { code: string; message: string } | null;
}

export class ReloadPage extends PageSchema(ReloadResponse) {}
