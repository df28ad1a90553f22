import { ApiProperty } from '@nestjs/swagger';
import { Scope, SCOPES } from './scopes';

export interface WhoAmIView {
  kind: 'operator' | 'pat';
  organizationId: string | null;
  scopes: Scope[];
  name: string | null;
  expiresAt: string | null;
}

export class WhoAmIResponse implements WhoAmIView {
  @ApiProperty({ enum: ['operator', 'pat'], description: 'The operator token (ADMIN_TOKEN) or a personal access token' })
  kind: 'operator' | 'pat';

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'The token’s organization; null for the operator' })
  organizationId: string | null;

  @ApiProperty({
    enum: SCOPES,
    isArray: true,
    description: 'Effective scopes: `org:admin` lists the three it implies too; the operator has all four',
    example: ['data:read'],
  })
  scopes: Scope[];

  @ApiProperty({ type: 'string', nullable: true, example: 'phone', description: 'The token’s name; null for the operator' })
  name: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the token stops working; null: never' })
  expiresAt: string | null;
}
