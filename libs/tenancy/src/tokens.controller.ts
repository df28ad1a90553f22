import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccessTokensService, AccessTokenView, CreatedAccessToken, RequireScopes } from '@tablecast/auth';
import { ListQueryDto, Page, UuidParamPipe } from '@tablecast/common';
import { CreateTokenDto } from './dto/create-token.dto';
import { AccessTokenPage, CreatedAccessTokenResponse } from './dto/tenancy.response';
import { OrganizationsService } from './organizations.service';

@ApiTags('tokens')
@Controller('tool/organizations/:organizationId/tokens')
export class TokensController {
  constructor(
    private readonly tokens: AccessTokensService,
    private readonly organizations: OrganizationsService,
  ) {}

  @Post()
  @RequireScopes('Create a personal access token (the secret is shown only in this answer)', 'org:admin')
  @ApiCreatedResponse({ type: CreatedAccessTokenResponse })
  async create(@Param('organizationId', UuidParamPipe) organizationId: string, @Body() body: CreateTokenDto): Promise<CreatedAccessToken> {
    await this.organizations.assertExists(organizationId);
    return this.tokens.create(organizationId, body);
  }

  @Get()
  @RequireScopes('List tokens (never their secrets)', 'org:admin')
  @ApiOkResponse({ type: AccessTokenPage })
  async list(@Param('organizationId', UuidParamPipe) organizationId: string, @Query() query: ListQueryDto): Promise<Page<AccessTokenView>> {
    await this.organizations.assertExists(organizationId);
    return this.tokens.list(organizationId, query.limit, query.cursor);
  }

  @Delete(':tokenId')
  @HttpCode(204)
  @RequireScopes('Revoke a token (refused everywhere within 5 s)', 'org:admin')
  @ApiNoContentResponse({ description: 'Revoked' })
  revoke(@Param('organizationId', UuidParamPipe) organizationId: string, @Param('tokenId', UuidParamPipe) tokenId: string): Promise<void> {
    return this.tokens.revoke(organizationId, tokenId);
  }
}
