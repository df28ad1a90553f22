import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { TABLE_NAME } from '../table-name';

const KEY_FIELDS_DOC = 'Columns whose values, joined in order, make a record id (1–8). Default: the first column not starting with _';

function KeyFields(): PropertyDecorator {
  return (target, key) => {
    IsArray()(target, key);
    ArrayMinSize(1)(target, key);
    ArrayMaxSize(8)(target, key);
    IsString({ each: true })(target, key);
    MinLength(1, { each: true, message: 'each key field must be a non-empty string' })(target, key);
    MaxLength(200, { each: true })(target, key);
  };
}

export class CreateTableDto {
  @ApiProperty({ pattern: TABLE_NAME.source })
  @IsString()
  @Matches(TABLE_NAME, { message: 'name must be 1–64 characters of letters, digits, _ . - starting with a letter or digit' })
  name: string;

  @ApiPropertyOptional({ type: [String], description: KEY_FIELDS_DOC })
  @IsOptional()
  @KeyFields()
  keyFields?: string[];
}

export class PatchTableDto {
  @ApiProperty({ type: [String], nullable: true, description: `${KEY_FIELDS_DOC}. null clears them.` })
  @ValidateIf((dto: PatchTableDto) => dto.keyFields !== null)
  @KeyFields()
  keyFields: string[] | null;
}
