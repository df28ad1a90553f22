import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes } from '@tablecast/auth';
import { ListQueryDto, Page, UuidParamPipe } from '@tablecast/common';
import { TableAddress } from '@tablecast/dynamic-data';
import { ConnectionsService, ConnectionTest } from './connections.service';
import { CreateConnectionDto, CreateReloadDto, PatchConnectionDto, PutSourceDto } from './dto/pull.dto';
import {
  ConnectionPage,
  ConnectionResponse,
  ConnectionTestResponse,
  ReloadPage,
  ReloadResponse,
  SourceResponse,
} from './dto/pull.response';
import { ReloadsService } from './reloads.service';
import { ConnectionView, ReloadView, SourceView } from './views';

@ApiTags('acumatica pull')
@Controller('tool/organizations/:organizationId/solutions/:solutionId/acumatica/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post()
  @RequireScopes('Create an Acumatica connection (clientSecret and password are write-only)', 'org:admin')
  @ApiCreatedResponse({ type: ConnectionResponse })
  create(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Body() body: CreateConnectionDto,
  ): Promise<ConnectionView> {
    return this.connections.create({ organizationId, solutionId }, body);
  }

  @Get()
  @RequireScopes('List Acumatica connections (never their secrets)', 'org:admin')
  @ApiOkResponse({ type: ConnectionPage })
  list(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Query() query: ListQueryDto,
  ): Promise<Page<ConnectionView>> {
    return this.connections.list({ organizationId, solutionId }, query.limit, query.cursor);
  }

  @Get(':connectionId')
  @RequireScopes('Get an Acumatica connection', 'org:admin')
  @ApiOkResponse({ type: ConnectionResponse })
  get(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Param('connectionId', UuidParamPipe) connectionId: string,
  ): Promise<ConnectionView> {
    return this.connections.get({ organizationId, solutionId }, connectionId);
  }

  @Patch(':connectionId')
  @RequireScopes('Change an Acumatica connection (any field)', 'org:admin')
  @ApiOkResponse({ type: ConnectionResponse })
  update(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Param('connectionId', UuidParamPipe) connectionId: string,
    @Body() body: PatchConnectionDto,
  ): Promise<ConnectionView> {
    return this.connections.update({ organizationId, solutionId }, connectionId, body);
  }

  @Delete(':connectionId')
  @HttpCode(204)
  @RequireScopes('Delete an Acumatica connection (409 while a table source uses it)', 'org:admin')
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiConflictResponse({ description: 'A table source uses it' })
  delete(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Param('connectionId', UuidParamPipe) connectionId: string,
  ): Promise<void> {
    return this.connections.delete({ organizationId, solutionId }, connectionId);
  }

  @Post(':connectionId/test')
  @HttpCode(200)
  @RequireScopes('Sign in, read the OData service document, sign out', 'org:admin')
  @ApiOkResponse({ type: ConnectionTestResponse })
  test(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
    @Param('connectionId', UuidParamPipe) connectionId: string,
  ): Promise<ConnectionTest> {
    return this.connections.test({ organizationId, solutionId }, connectionId);
  }
}

@ApiTags('acumatica pull')
@Controller('tool/organizations/:organizationId/solutions/:solutionId/tables/:table')
export class SourcesController {
  constructor(private readonly reloads: ReloadsService) {}

  @Put('source')
  @RequireScopes('Tie the table to a Generic Inquiry (creates the table when missing; starts no reload)', 'data:write')
  @ApiOkResponse({ type: SourceResponse })
  putSource(@TableAddress() { organizationId, solutionId, table }: TableAddress, @Body() body: PutSourceDto): Promise<SourceView> {
    return this.reloads.putSource({ organizationId, solutionId }, table, body);
  }

  @Get('source')
  @RequireScopes('The table’s Acumatica source', 'data:read')
  @ApiOkResponse({ type: SourceResponse })
  getSource(@TableAddress() { organizationId, solutionId, table }: TableAddress): Promise<SourceView> {
    return this.reloads.getSource({ organizationId, solutionId }, table);
  }

  @Delete('source')
  @HttpCode(204)
  @RequireScopes('Remove the table’s Acumatica source', 'data:write')
  @ApiNoContentResponse({ description: 'Removed' })
  deleteSource(@TableAddress() { organizationId, solutionId, table }: TableAddress): Promise<void> {
    return this.reloads.deleteSource({ organizationId, solutionId }, table);
  }

  @Post('reloads')
  @HttpCode(202)
  @RequireScopes('Queue a full load or a reload-and-compare (409 while one is queued or running)', 'data:write')
  @ApiAcceptedResponse({ type: ReloadResponse })
  @ApiConflictResponse({ description: 'A reload of this table is queued or running' })
  createReload(@TableAddress() { organizationId, solutionId, table }: TableAddress, @Body() body: CreateReloadDto): Promise<ReloadView> {
    return this.reloads.create({ organizationId, solutionId }, table, body.mode);
  }

  @Get('reloads')
  @RequireScopes('The table’s reloads, newest first', 'data:read')
  @ApiOkResponse({ type: ReloadPage })
  listReloads(
    @TableAddress() { organizationId, solutionId, table }: TableAddress,
    @Query() query: ListQueryDto,
  ): Promise<Page<ReloadView>> {
    return this.reloads.list({ organizationId, solutionId }, table, query.limit, query.cursor);
  }

  @Get('reloads/:reloadId')
  @RequireScopes('A reload with its progress', 'data:read')
  @ApiOkResponse({ type: ReloadResponse })
  getReload(
    @TableAddress() { organizationId, solutionId, table }: TableAddress,
    @Param('reloadId', UuidParamPipe) reloadId: string,
  ): Promise<ReloadView> {
    return this.reloads.get({ organizationId, solutionId }, table, reloadId);
  }

  @Delete('reloads/:reloadId')
  @RequireScopes('Cancel a queued or running reload (409 when it already ended)', 'data:write')
  @ApiOkResponse({ type: ReloadResponse })
  @ApiConflictResponse({ description: 'It already ended' })
  cancelReload(
    @TableAddress() { organizationId, solutionId, table }: TableAddress,
    @Param('reloadId', UuidParamPipe) reloadId: string,
  ): Promise<ReloadView> {
    return this.reloads.cancel({ organizationId, solutionId }, table, reloadId);
  }
}
