import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';

const URL_DOC = 'http(s)://host[:port][/path] of the Acumatica instance; private addresses refused unless ALLOW_PRIVATE_NETWORK=true';

export class CreateConnectionDto {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ example: 'https://erp.example.com/AcumaticaERP', description: URL_DOC })
  @IsString({ message: 'instanceUrl must be an absolute http:// or https:// URL' })
  @MaxLength(2048)
  instanceUrl: string;

  @ApiProperty({ description: 'Tenant (company) name, as in /t/{tenant}/api/odata' })
  @IsString()
  @Length(1, 200)
  tenant: string;

  @ApiProperty({ description: 'Client ID of the Connected Application (Resource Owner Password Credentials flow)' })
  @IsString()
  @Length(1, 500)
  clientId: string;

  @ApiProperty({ writeOnly: true, description: 'Write-only; stored encrypted with SECRETS_KEY, never returned' })
  @IsString()
  @Length(1, 1000)
  clientSecret: string;

  @ApiProperty()
  @IsString()
  @Length(1, 500)
  username: string;

  @ApiProperty({ writeOnly: true, description: 'Write-only; stored encrypted with SECRETS_KEY, never returned' })
  @IsString()
  @Length(1, 1000)
  password: string;
}

export class PatchConnectionDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ description: URL_DOC })
  @IsOptional()
  @IsString({ message: 'instanceUrl must be an absolute http:// or https:// URL' })
  @MaxLength(2048)
  instanceUrl?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  tenant?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 500)
  clientId?: string;

  @ApiPropertyOptional({ writeOnly: true })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  clientSecret?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 500)
  username?: string;

  @ApiPropertyOptional({ writeOnly: true })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  password?: string;
}

export class PutSourceDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'connectionId must be the id (a UUID) of a connection of this solution' })
  connectionId: string;

  @ApiProperty({ description: 'Name of the Generic Inquiry exposed via OData' })
  @IsString()
  @Length(1, 200)
  genericInquiry: string;

  @ApiPropertyOptional({ type: [String], description: 'Key fields for a table that has none yet' })
  @IsOptional()
  keyFields?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: '{odataName: column} renames' })
  @IsOptional()
  @IsObject({ message: 'fieldMap must be an object of {odataName: column}' })
  fieldMap?: Record<string, string>;

  @ApiPropertyOptional({
    minimum: 5,
    description: 'Runs a compare reload on this interval (minutes), the first one this long after the PUT',
  })
  @IsOptional()
  @IsInt({ message: 'everyMinutes must be an integer of at least 5' })
  @Min(5, { message: 'everyMinutes must be an integer of at least 5' })
  @Max(525_600, { message: 'everyMinutes must be at most 525600 (a year)' })
  everyMinutes?: number;
}

export class CreateReloadDto {
  @ApiProperty({ enum: ['full', 'compare'] })
  @IsIn(['full', 'compare'], { message: 'mode must be "full" or "compare"' })
  mode: 'full' | 'compare';
}
