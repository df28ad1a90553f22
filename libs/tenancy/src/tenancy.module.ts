import { Module } from '@nestjs/common';
import { AuthModule } from '@tablecast/auth';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';
import { SolutionsController } from './solutions.controller';
import { SolutionsRepository } from './solutions.repository';
import { SolutionsService } from './solutions.service';
import { TokensController } from './tokens.controller';

@Module({
  imports: [AuthModule],
  controllers: [OrganizationsController, SolutionsController, TokensController],
  providers: [OrganizationsRepository, OrganizationsService, SolutionsRepository, SolutionsService],
  exports: [OrganizationsService, SolutionsService],
})
export class TenancyModule {}
