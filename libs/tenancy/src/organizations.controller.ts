import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { OperatorOnly, RequireScopes } from '@tablecast/auth';
import { ListQueryDto, Page, UuidParamPipe } from '@tablecast/common';
import { CreateOrganizationDto } from './dto/create-organization.dto';
import { OrganizationPage, OrganizationResponse } from './dto/tenancy.response';
import { OrganizationsService, OrganizationView } from './organizations.service';

@ApiTags('organizations')
@Controller('tool/organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @OperatorOnly('Create an organization in the serving region (421 for another region)')
  @ApiCreatedResponse({ type: OrganizationResponse })
  @ApiResponse({ status: 421, description: 'The region is served by another deployment; the body names its baseUrl' })
  create(@Body() body: CreateOrganizationDto): Promise<OrganizationView> {
    return this.organizations.create(body.name, body.region);
  }

  @Get()
  @OperatorOnly('List organizations')
  @ApiOkResponse({ type: OrganizationPage })
  list(@Query() query: ListQueryDto): Promise<Page<OrganizationView>> {
    return this.organizations.list(query.limit, query.cursor);
  }

  @Get(':organizationId')
  @RequireScopes('Get an organization')
  @ApiOkResponse({ type: OrganizationResponse })
  get(@Param('organizationId', UuidParamPipe) organizationId: string): Promise<OrganizationView> {
    return this.organizations.get(organizationId);
  }

  @Delete(':organizationId')
  @HttpCode(204)
  @OperatorOnly('Delete an organization and everything in it')
  @ApiNoContentResponse({ description: 'Deleted' })
  delete(@Param('organizationId', UuidParamPipe) organizationId: string): Promise<void> {
    return this.organizations.delete(organizationId);
  }
}
