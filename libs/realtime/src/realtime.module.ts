import { Module } from '@nestjs/common';
import { AuthModule } from '@tablecast/auth';
import { DynamicDataModule } from '@tablecast/dynamic-data';
import { TenancyModule } from '@tablecast/tenancy';
import { TableChangeGateway } from './table-change.gateway';
import { TableFeedService } from './table-feed.service';

@Module({
  imports: [AuthModule, TenancyModule, DynamicDataModule],
  providers: [TableFeedService, TableChangeGateway],
  exports: [TableFeedService],
})
export class RealtimeModule {}
