import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { RequireScopes } from '@tablecast/auth';
import { Page } from '@tablecast/common';
import { Response } from 'express';
import { ChangesService, ChangesPage } from './changes.service';
import { ChangesQueryDto, PutRecordBody, PutRecordBodyPipe, PutRecordDto, RecordQueryDto, RecordsQueryDto } from './dto/record.dto';
import { ChangesResetResponse, ChangesResponse, RecordPage, RecordResponse } from './dto/data.response';
import { RecordIdPipe } from './params';
import { RecordsService } from './records.service';
import { TableAddress } from './table-address.decorator';
import { RecordView } from './views';

@ApiTags('records')
@Controller('tool/organizations/:organizationId/solutions/:solutionId/tables/:table')
export class RecordsController {
  constructor(
    private readonly records: RecordsService,
    private readonly changes: ChangesService,
  ) {}

  @Get('records')
  @RequireScopes('List records (filter: JSONB containment)', 'data:read')
  @ApiOkResponse({ type: RecordPage })
  list(
    @TableAddress() { organizationId, solutionId, table }: TableAddress,
    @Query() query: RecordsQueryDto,
  ): Promise<Page<RecordView>> {
    return this.records.list(organizationId, solutionId, table, query);
  }

  @Get('records/:id')
  @RequireScopes('Get a record', 'data:read')
  @ApiOkResponse({ type: RecordResponse })
  get(
    @TableAddress() { organizationId, solutionId, table }: TableAddress,
    @Param('id', RecordIdPipe) id: string,
    @Query() query: RecordQueryDto,
  ): Promise<RecordView> {
    return this.records.get(organizationId, solutionId, table, id, query.includeDeleted);
  }

  @Put('records/:id')
  @ApiBody({ type: PutRecordDto })
  @RequireScopes('Insert or replace a record (201 when created)', 'data:write')
  @ApiOkResponse({ type: RecordResponse, description: 'Replaced' })
  @ApiCreatedResponse({ type: RecordResponse, description: 'Created' })
  async put(
    @TableAddress() { organizationId, solutionId, table }: TableAddress,
    @Param('id', RecordIdPipe) id: string,
    @Body(PutRecordBodyPipe) body: PutRecordBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RecordView> {
    const { record, created } = await this.records.put(organizationId, solutionId, table, id, body.data);
    response.status(created ? 201 : 200);
    return record;
  }

  @Delete('records/:id')
  @HttpCode(204)
  @RequireScopes('Delete a record (keeps a tombstone, emits a delete change)', 'data:write')
  @ApiNoContentResponse({ description: 'Deleted (a tombstone stays)' })
  delete(
    @TableAddress() { organizationId, solutionId, table }: TableAddress,
    @Param('id', RecordIdPipe) id: string,
  ): Promise<void> {
    return this.records.delete(organizationId, solutionId, table, id);
  }

  @Get('changes')
  @RequireScopes('Changes after ?since in seq order, or {reset} when the log no longer reaches back', 'data:read')
  @ApiExtraModels(ChangesResponse, ChangesResetResponse)
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(ChangesResponse) }, { $ref: getSchemaPath(ChangesResetResponse) }] } })
  changesSince(
    @TableAddress() { organizationId, solutionId, table }: TableAddress,
    @Query() query: ChangesQueryDto,
  ): Promise<ChangesPage> {
    return this.changes.since(organizationId, solutionId, table, query.since, query.limit);
  }
}
