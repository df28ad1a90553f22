import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@tablecast/auth';
import { ListQueryDto, Page, UuidParamPipe } from '@tablecast/common';
import { CreateSolutionDto } from './dto/create-solution.dto';
import { SolutionsService, SolutionView } from './solutions.service';

@ApiTags('solutions')
@Controller('tool/organizations/:organizationId/solutions')
export class SolutionsController {
  constructor(private readonly solutions: SolutionsService) {}

  @Post()
  @RequireScopes('Create a solution (answer includes cdcUrl)', 'org:admin')
  create(@Param('organizationId', UuidParamPipe) organizationId: string, @Body() body: CreateSolutionDto): Promise<SolutionView> {
    return this.solutions.create(organizationId, body.name);
  }

  @Get()
  @RequireScopes('List solutions', 'data:read')
  list(@Param('organizationId', UuidParamPipe) organizationId: string, @Query() query: ListQueryDto): Promise<Page<SolutionView>> {
    return this.solutions.list(organizationId, query.limit, query.cursor);
  }

  @Get(':solutionId')
  @RequireScopes('Get a solution', 'data:read')
  get(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
  ): Promise<SolutionView> {
    return this.solutions.get(organizationId, solutionId);
  }

  @Delete(':solutionId')
  @HttpCode(204)
  @RequireScopes('Delete a solution and its tables, records and changes', 'org:admin')
  delete(
    @Param('organizationId', UuidParamPipe) organizationId: string,
    @Param('solutionId', UuidParamPipe) solutionId: string,
  ): Promise<void> {
    return this.solutions.delete(organizationId, solutionId);
  }
}
