import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDate, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { Scope, SCOPES } from '@tablecast/auth';
import { parseRfc3339DateTime } from './date-time';

export class CreateTokenDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ enum: SCOPES, isArray: true, description: 'Default: all four' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SCOPES.length)
  @IsIn(SCOPES, { each: true })
  scopes?: Scope[];

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2030-02-28T00:00:00Z', description: 'RFC 3339 with Z or an offset; in the future' })
  @IsOptional()
  // From the raw input (never an implicit `new Date()` conversion): only a strict RFC 3339 date-time
  // becomes a Date; anything else (no zone, 2030-02-30, a number) an invalid one, refused below.
  @Transform(({ obj }: { obj: { expiresAt?: unknown } }) => (typeof obj.expiresAt === 'string' ? (parseRfc3339DateTime(obj.expiresAt) ?? new Date(NaN)) : obj.expiresAt))
  @IsDate({ message: 'expiresAt must be an RFC 3339 date-time with Z or an offset on a real calendar date, e.g. 2030-02-28T00:00:00Z' })
  expiresAt?: Date;
}
