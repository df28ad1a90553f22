import { Module } from '@nestjs/common';
import { AuthModule } from '@tablecast/auth';
import { DynamicDataModule } from '@tablecast/dynamic-data';
import { TenancyModule } from '@tablecast/tenancy';
import { AcumaticaRepository } from './acumatica.repository';
import { CdcController } from './cdc.controller';
import { CdcService } from './cdc.service';
import { DeliveriesService } from './deliveries.service';
import { DeliveryAudit } from './delivery-audit';
import { AcumaticaPullModule } from './pull/pull.module';

@Module({
  imports: [AuthModule, TenancyModule, DynamicDataModule, AcumaticaPullModule],
  controllers: [CdcController],
  providers: [AcumaticaRepository, CdcService, DeliveriesService, DeliveryAudit],
})
export class AcumaticaModule {}
