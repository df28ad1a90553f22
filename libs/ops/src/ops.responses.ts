import { ApiProperty } from '@nestjs/swagger';
import { REGION_CODES } from '@tablecast/config';

/** One region as `GET /v2.0/regions` lists it. */
export interface RegionView {
  region: string;
  name: string;
  baseUrl: string | null;
  serving: boolean;
}

// OpenAPI schemas of the operational answers.

export class HealthResponse {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
}

export class ReadyResponse {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';

  @ApiProperty({ enum: ['up'] })
  database: 'up';
}

export class RegionResponse implements RegionView {
  @ApiProperty({ enum: REGION_CODES })
  region: string;

  @ApiProperty({ example: 'US' })
  name: string;

  @ApiProperty({ type: String, format: 'uri', nullable: true, description: 'The region’s public base URL; null when not configured here' })
  baseUrl: string | null;

  @ApiProperty({ description: 'This deployment serves the region' })
  serving: boolean;
}

export class RegionsResponse {
  @ApiProperty({ enum: REGION_CODES, description: 'The region this deployment serves' })
  serving: string;

  @ApiProperty({ type: [RegionResponse] })
  items: RegionView[];
}
