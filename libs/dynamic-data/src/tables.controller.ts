import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@tablecast/auth';
import { ListQueryDto, Page, UuidParamPipe } from '@tablecast/common';
import { CreateTableDto, PatchTableDto } from './dto/table.dto';
import { TablePage, TableResponse } from './dto/data.response';
import { TableDroppedEvents } from './table-dropped.events';
import { TableAddress } from './table-address.decorator';
import { TablesService } from './tables.service';
import { TableView } from './views';

@ApiTags('tables')
@Controller('tool/organizations/:organizationId/solutions/:solutionId/tables')
export class TablesController {
  constructor(
    private readonly tables: TablesService,
    private readonly dropped: TableDroppedEvents,
  ) {}

  @Get()
  @RequireScopes('List tables', 'data:read')
  @ApiOkResponse({ type: TablePage })
  list(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Query() query: ListQueryDto,
  ): Promise<Page<TableView>> {
    return this.tables.list(organizationId, solutionId, query.limit, query.cursor);
  }

  @Post()
  @RequireScopes('Create a table', 'data:write')
  @ApiCreatedResponse({ type: TableResponse })
  @ApiConflictResponse({ description: 'A table of that name exists in the solution' })
  create(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Body() body: CreateTableDto,
  ): Promise<TableView> {
    return this.tables.create(organizationId, solutionId, body.name, body.keyFields ?? null);
  }

  @Get(':table')
  @RequireScopes('Get a table: keyFields, rowCount, head', 'data:read')
  @ApiOkResponse({ type: TableResponse })
  get(
    @TableAddress() { organizationId, solutionId, table }: TableAddress,
  ): Promise<TableView> {
    return this.tables.get(organizationId, solutionId, table);
  }

  @Patch(':table')
  @RequireScopes('Set a table’s keyFields', 'data:write')
  @ApiOkResponse({ type: TableResponse })
  patch(
    @TableAddress() { organizationId, solutionId, table }: TableAddress,
    @Body() body: PatchTableDto,
  ): Promise<TableView> {
    return this.tables.setKeyFields(organizationId, solutionId, table, body.keyFields);
  }

  @Delete(':table')
  @HttpCode(204)
  @RequireScopes('Delete a table with its records and changes', 'data:write')
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(
    @TableAddress() { organizationId, solutionId, table }: TableAddress,
  ): Promise<void> {
    await this.tables.delete(organizationId, solutionId, table);
    // After commit: live subscribers (on every node) are told to resubscribe and reload.
    this.dropped.publish({ organizationId, solutionId, table });
  }
}
