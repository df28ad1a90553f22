import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { AuthModule } from '@tablecast/auth';
import { SecretBox } from '@tablecast/common';
import { resolveSecretsKey, secretsConfig } from '@tablecast/config';
import { DynamicDataModule } from '@tablecast/dynamic-data';
import { TenancyModule } from '@tablecast/tenancy';
import { AcumaticaRepository } from './acumatica.repository';
import { CdcController } from './cdc.controller';
import { CdcService } from './cdc.service';
import { DeliveriesService } from './deliveries.service';
import { DeliveryAudit } from './delivery-audit';
import { AcumaticaSessions } from './pull/acumatica-sessions.service';
import { ConnectionsService } from './pull/connections.service';
import { ConnectionsController, SourcesController } from './pull/pull.controller';
import { PullRepository } from './pull/pull.repository';
import { ReloadRunner } from './pull/reload-runner';
import { RELOAD_WORKER, ReloadWorker } from './pull/reload-worker.service';
import { ReloadsService } from './pull/reloads.service';

/** The SecretBox under SECRETS_KEY (or the development key file): seals connection secrets. */
const secretBox: Provider = {
  provide: SecretBox,
  inject: [secretsConfig.KEY],
  useFactory: (config: ConfigType<typeof secretsConfig>) => new SecretBox(resolveSecretsKey(config)),
};

@Module({
  imports: [AuthModule, TenancyModule, DynamicDataModule],
  controllers: [CdcController, ConnectionsController, SourcesController],
  providers: [
    AcumaticaRepository,
    CdcService,
    DeliveriesService,
    DeliveryAudit,
    secretBox,
    PullRepository,
    AcumaticaSessions,
    ConnectionsService,
    ReloadRunner,
    ReloadWorker,
    ReloadsService,
    { provide: RELOAD_WORKER, useValue: true },
  ],
  exports: [ConnectionsService, ReloadsService],
})
export class AcumaticaModule {
  /** For processes that manage connections and queue reloads but must not run them (the CLI): the serving nodes run them. */
  static withoutWorker(): DynamicModule {
    return { module: AcumaticaModule, providers: [{ provide: RELOAD_WORKER, useValue: false }] };
  }
}
