import { DynamicModule, Module } from '@nestjs/common';
import { AcumaticaPullModule } from '@tablecast/acumatica';
import { AuthModule } from '@tablecast/auth';
import { TablecastConfigModule } from '@tablecast/config';
import { DatabaseModule } from '@tablecast/database';
import { DynamicDataModule } from '@tablecast/dynamic-data';
import { TenancyModule } from '@tablecast/tenancy';
import { WebhooksModule } from '@tablecast/webhooks';

/** The services operator commands need, without HTTP. */
@Module({})
export class CliModule {
  static register(databaseUrl: string): DynamicModule {
    return {
      module: CliModule,
      imports: [
        TablecastConfigModule.forRoot(),
        DatabaseModule.forRoot({ url: databaseUrl }),
        AuthModule,
        TenancyModule,
        DynamicDataModule,
        WebhooksModule.withoutWorker(),
        AcumaticaPullModule.withoutWorker(),
      ],
    };
  }
}
