import { Module } from '@nestjs/common';
import { AuthModule } from '@tablecast/auth';
import { DynamicDataModule } from '@tablecast/dynamic-data';
import { TenancyModule } from '@tablecast/tenancy';
import { AcumaticaRepository } from './acumatica.repository';
import { CdcController } from './cdc.controller';
import { CdcService } from './cdc.service';
import { DeliveriesService } from './deliveries.service';
import { DeliveryAudit } from './delivery-audit';

@Module({
  imports: [AuthModule, TenancyModule, DynamicDataModule],
  controllers: [CdcController],
  providers: [AcumaticaRepository, CdcService, DeliveriesService, DeliveryAudit],
})
export class AcumaticaModule {}
