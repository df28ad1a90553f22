import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  Validate,
  ValidateIf,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { TABLE_NAME } from '../table-name';
import { keyFieldsProblem, MAX_KEY_FIELD_LENGTH, MAX_KEY_FIELDS } from './key-fields';

const KEY_FIELDS_DOC =
  'Distinct columns whose values, joined in order with | (a | or \\ inside a value of a composite key is escaped with \\), make a record id (1–8). ' +
  'Built-in JavaScript property names (constructor, toString, __proto__, …) are refused. Default: the first column not starting with _';

@ValidatorConstraint({ name: 'keyFields' })
class KeyFieldsAllowed implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return !Array.isArray(value) || keyFieldsProblem(value) === undefined;
  }
  defaultMessage(args: ValidationArguments): string {
    return `keyFields ${keyFieldsProblem(args.value as unknown[]) ?? 'are invalid'}`;
  }
}

function KeyFields(): PropertyDecorator {
  return (target, key) => {
    IsArray()(target, key);
    ArrayMinSize(1)(target, key);
    ArrayMaxSize(MAX_KEY_FIELDS)(target, key);
    IsString({ each: true })(target, key);
    MinLength(1, { each: true, message: 'each key field must be a non-empty string' })(target, key);
    MaxLength(MAX_KEY_FIELD_LENGTH, { each: true })(target, key);
    Validate(KeyFieldsAllowed)(target, key);
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
