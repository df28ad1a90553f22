import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CdcReceiptResponse, DeliveryPage, PUSH_NOTIFICATION_EXAMPLES, AcumaticaPushNotification } from './dto/cdc.schema';
import { RequireScopes } from '@tablecast/auth';
import { BadRequestError, ListQueryDto, Page, UuidParamPipe } from '@tablecast/common';
import { Request } from 'express';
import { CdcReceipt, CdcService } from './cdc.service';
import { DeliveriesService, DeliveryView } from './deliveries.service';

function singleQueryValue(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new BadRequestError(`${name}: give ?${name}= once`, [{ field: name, message: `${name} must be given once` }]);
  return value;
}

@ApiTags('acumatica')
@Controller('tool/organizations/:organizationId/solutions/:solutionId/acumatica')
export class CdcController {
  constructor(
    private readonly cdc: CdcService,
    private readonly deliveries: DeliveriesService,
  ) {}

  @Post('cdc')
  @HttpCode(200)
  @RequireScopes('Acumatica push notification destination', 'cdc:push')
  @ApiQuery({ name: 'table', required: false, description: 'Target table; without it each row’s _tab names its table' })
  @ApiQuery({ name: 'key', required: false, description: 'Key fields (A,B) for a table this notification creates' })
  @ApiBody({ type: AcumaticaPushNotification, examples: PUSH_NOTIFICATION_EXAMPLES, description: 'The body Acumatica sends' })
  @ApiOkResponse({ type: CdcReceiptResponse, description: 'Applied (or a duplicate) and committed' })
  ingest(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Query('table') table: unknown,
    @Query('key') key: unknown,
    @Req() request: Request,
  ): Promise<CdcReceipt> {
    return this.cdc.ingest({
      organizationId,
      solutionId,
      table: singleQueryValue(table, 'table'),
      key: singleQueryValue(key, 'key'),
      body: request.body,
    });
  }

  @Get('deliveries')
  @RequireScopes('The last notifications received, newest first, with their receipt or error', 'org:admin')
  @ApiOkResponse({ type: DeliveryPage })
  list(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Query() query: ListQueryDto,
  ): Promise<Page<DeliveryView>> {
    return this.deliveries.list(organizationId, solutionId, query.limit, query.cursor);
  }
}
