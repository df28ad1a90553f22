import { Module } from '@nestjs/common';
import { AuthModule } from '@tablecast/auth';
import { TenancyModule } from '@tablecast/tenancy';
import { ChangesRepository } from './changes.repository';
import { ChangesService } from './changes.service';
import { DataWriter } from './data-writer';
import { GroupCommitter } from './group-commit';
import { RecordsController } from './records.controller';
import { RecordsRepository } from './records.repository';
import { RecordsService } from './records.service';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';
import { TableChangedEvents } from './table-changed.events';
import { TableDroppedEvents } from './table-dropped.events';
import { TablesController } from './tables.controller';
import { TablesRepository } from './tables.repository';
import { TablesService } from './tables.service';

@Module({
  imports: [AuthModule, TenancyModule],
  controllers: [TablesController, RecordsController],
  providers: [
    TablesRepository,
    RecordsRepository,
    ChangesRepository,
    RetentionRepository,
    TablesService,
    RecordsService,
    ChangesService,
    DataWriter,
    GroupCommitter,
    TableChangedEvents,
    TableDroppedEvents,
    RetentionService,
  ],
  exports: [DataWriter, GroupCommitter, ChangesService, TablesService, TableChangedEvents, TableDroppedEvents, RetentionService],
})
export class DynamicDataModule {}
