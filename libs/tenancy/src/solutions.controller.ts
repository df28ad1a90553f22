import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@tablecast/auth';
import { ListQueryDto, Page, UuidParamPipe } from '@tablecast/common';
import { CreateSolutionDto } from './dto/create-solution.dto';
import { SolutionPage, SolutionResponse } from './dto/tenancy.response';
import { SolutionsService, SolutionView } from './solutions.service';

@ApiTags('solutions')
@Controller('tool/organizations/:organizationId/solutions')
export class SolutionsController {
  constructor(private readonly solutions: SolutionsService) {}

  @Post()
  @RequireScopes('Create a solution (answer includes cdcUrl)', 'org:admin')
  @ApiCreatedResponse({ type: SolutionResponse })
  @ApiConflictResponse({ description: 'A solution of that name exists in the organization' })
  create(@Param('organizationId', UuidParamPipe) organizationId: string, @Body() body: CreateSolutionDto): Promise<SolutionView> {
    return this.solutions.create(organizationId, body.name);
  }

  @Get()
  @RequireScopes('List solutions', 'data:read')
  @ApiOkResponse({ type: SolutionPage })
  list(@Param('organizationId', UuidParamPipe) organizationId: string, @Query() query: ListQueryDto): Promise<Page<SolutionView>> {
    return this.solutions.list(organizationId, query.limit, query.cursor);
  }

  @Get(':solutionId')
  @RequireScopes('Get a solution', 'data:read')
  @ApiOkResponse({ type: SolutionResponse })
  get(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
  ): Promise<SolutionView> {
    return this.solutions.get(organizationId, solutionId);
  }

  @Delete(':solutionId')
  @HttpCode(204)
  @RequireScopes('Delete a solution and its tables, records and changes', 'org:admin')
  @ApiNoContentResponse({ description: 'Deleted' })
  delete(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
  ): Promise<void> {
    return this.solutions.delete(organizationId, solutionId);
  }
}
