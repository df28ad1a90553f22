import { Controller, Get, Inject } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@tablecast/common';
import { REGION_CODES, REGIONS, regionConfig } from '@tablecast/config';
import { RegionsResponse, RegionView } from './ops.responses';

@ApiTags('regions')
@Public()
@Controller('regions')
export class RegionsController {
  constructor(@Inject(regionConfig.KEY) private readonly config: ConfigType<typeof regionConfig>) {}

  @Get()
  @ApiOkResponse({ description: 'Every region, its public base URL and which one this deployment serves', type: RegionsResponse })
  list(): { serving: string; items: RegionView[] } {
    return {
      serving: this.config.region,
      items: REGION_CODES.map((code) => ({
        region: code,
        name: REGIONS[code].label,
        baseUrl: this.config.baseUrls[code],
        serving: code === this.config.region,
      })),
    };
  }
}
