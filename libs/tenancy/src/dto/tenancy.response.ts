import { ApiProperty } from '@nestjs/swagger';
import { AccessTokenView, CreatedAccessToken, Scope, SCOPES } from '@tablecast/auth';
import { PageSchema } from '@tablecast/common';
import { REGION_CODES } from '@tablecast/config';
import { OrganizationView } from '../organizations.service';
import { SolutionView } from '../solutions.service';

// OpenAPI schemas of the answers; each mirrors its mapper's output type (implements keeps them in step).

export class OrganizationResponse implements OrganizationView {
  @ApiProperty({ format: 'uuid', example: '6f1c2d3e-4a5b-4c6d-8e7f-90a1b2c3d4e5' })
  id: string;

  @ApiProperty({ example: 'Acme' })
  name: string;

  @ApiProperty({ enum: REGION_CODES, example: 'us-east-1' })
  region: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class OrganizationPage extends PageSchema(OrganizationResponse) {}

export class SolutionResponse implements SolutionView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  organizationId: string;

  @ApiProperty({ example: 'Field service' })
  name: string;

  @ApiProperty({
    format: 'uri',
    description: 'Acumatica push notification destination: append the table name',
    example:
      'https://api.example.com/v2.0/tool/organizations/6f1c2d3e-4a5b-4c6d-8e7f-90a1b2c3d4e5/solutions/0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d/acumatica/cdc?table=',
  })
  cdcUrl: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class SolutionPage extends PageSchema(SolutionResponse) {}

export class AccessTokenResponse implements AccessTokenView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  organizationId: string;

  @ApiProperty({ example: 'Field app' })
  name: string;

  @ApiProperty({ description: 'The first characters of the secret, to recognize it', example: 'tcp_3kd9' })
  prefix: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: [...SCOPES] })
  scopes: Scope[];

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class AccessTokenPage extends PageSchema(AccessTokenResponse) {}

export class CreatedAccessTokenResponse extends AccessTokenResponse implements CreatedAccessToken {
  @ApiProperty({ description: 'The secret: shown only in this answer, never again (only its hash is stored)' })
  token: string;
}
