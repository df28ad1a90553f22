import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { REGION_CODES, RegionCode } from '@tablecast/config';

export class CreateOrganizationDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ enum: REGION_CODES, description: 'Defaults to the serving region' })
  @IsOptional()
  @IsIn(REGION_CODES)
  region?: RegionCode;
}
