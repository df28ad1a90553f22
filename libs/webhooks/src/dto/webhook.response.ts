import { ApiProperty } from '@nestjs/swagger';
import { PageSchema } from '@tablecast/common';
import { AttemptView, WebhookCursorView, WebhookView } from '../views';

// OpenAPI schemas of the webhook answers; each mirrors its mapper in views.ts (implements keeps them in step).

export class WebhookCursorResponse implements WebhookCursorView {
  @ApiProperty({ example: 'Customers' })
  table: string;

  @ApiProperty({ type: 'integer', example: 41, description: 'seq of the last change the receiver acknowledged' })
  deliveredSeq: number;

  @ApiProperty({ type: 'integer', example: 42, description: "the table's latest seq" })
  head: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when the current run of failures began' })
  failingSince: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'the next retry, while failing' })
  nextAttemptAt: string | null;
}

export class WebhookResponse implements WebhookView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'https://hooks.example.com/tablecast' })
  url: string;

  @ApiProperty({
    type: [String],
    nullable: true,
    example: ['Customers'],
    description: 'null: every table of the solution, including later ones',
  })
  tables: string[] | null;

  @ApiProperty({ example: 'Calendar sync' })
  description: string;

  @ApiProperty()
  enabled: boolean;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'why it was disabled (410, retries exhausted, PATCH)' })
  disabledReason: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: [WebhookCursorResponse] })
  cursors: WebhookCursorView[];
}

export class CreatedWebhookResponse extends WebhookResponse {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'shown only in this answer and in rotate-secret' })
  secret: string;
}

export class WebhookSecretResponse {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  secret: string;
}

export class ReplayAcceptedResponse {
  @ApiProperty({ enum: [true] })
  accepted: true;
}

export class WebhookPage extends PageSchema(WebhookResponse) {}

export class AttemptResponse implements AttemptView {
  @ApiProperty()
  id: string;

  @ApiProperty({ format: 'uuid' })
  webhookId: string;

  @ApiProperty({ example: 'Customers' })
  table: string;

  @ApiProperty({ type: 'integer' })
  fromSeq: number;

  @ApiProperty({ type: 'integer' })
  toSeq: number;

  @ApiProperty({ type: 'integer', description: '1 for the first try of this batch' })
  attempt: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'HTTP status, or null without an answer' })
  status: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'what failed; at most 1 KiB of the answer' })
  error: string | null;

  @ApiProperty({ type: 'integer' })
  durationMs: number;

  @ApiProperty({ format: 'date-time' })
  at: string;
}

export class AttemptPage extends PageSchema(AttemptResponse) {}
