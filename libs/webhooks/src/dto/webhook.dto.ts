import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { TABLE_NAME } from '@tablecast/dynamic-data';

const TABLES_DOC = 'Table names to deliver; null or absent: every table of the solution, including tables created later';
const TABLE_MESSAGE =
  'each entry of tables must be a table name (1–64 characters of letters, digits, _ . - starting with a letter or digit)';

function Tables(): PropertyDecorator {
  return (target, key) => {
    ValidateIf((_dto, value) => value !== null)(target, key);
    IsArray({ message: 'tables must be an array of table names or null' })(target, key);
    ArrayMaxSize(1000)(target, key);
    IsString({ each: true, message: TABLE_MESSAGE })(target, key);
    Matches(TABLE_NAME, { each: true, message: TABLE_MESSAGE })(target, key);
  };
}

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://example.com/tablecast',
    description: 'http(s) URL; private targets refused unless ALLOW_PRIVATE_NETWORK=true',
  })
  @IsString({ message: 'url must be an absolute http:// or https:// URL' })
  @MaxLength(2048)
  url: string;

  @ApiPropertyOptional({ type: [String], nullable: true, description: TABLES_DOC })
  @IsOptional()
  @Tables()
  tables?: string[] | null;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class PatchWebhookDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'url must be an absolute http:// or https:// URL' })
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ type: [String], nullable: true, description: TABLES_DOC })
  @IsOptional()
  @Tables()
  tables?: string[] | null;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ description: 'true resumes a disabled webhook from its first undelivered change' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class ReplayWebhookDto {
  @ApiProperty({ pattern: TABLE_NAME.source })
  @IsString()
  @Matches(TABLE_NAME, {
    message: 'table must be a table name (1–64 characters of letters, digits, _ . - starting with a letter or digit)',
  })
  table: string;

  @ApiProperty({ minimum: 0, description: 'Send the changes with seq > since again (those still in the log)' })
  @IsInt({ message: 'since must be a non-negative integer' })
  @Min(0, { message: 'since must be a non-negative integer' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'since must be a non-negative integer' })
  since: number;
}
