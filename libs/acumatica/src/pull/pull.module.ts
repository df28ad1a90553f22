import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { AuthModule } from '@tablecast/auth';
import { SecretBox } from '@tablecast/common';
import { resolveSecretsKey, secretsConfig } from '@tablecast/config';
import { DynamicDataModule } from '@tablecast/dynamic-data';
import { TenancyModule } from '@tablecast/tenancy';
import { AcumaticaSessions } from './acumatica-sessions.service';
import { ConnectionsService } from './connections.service';
import { ConnectionsController, SourcesController } from './pull.controller';
import { PullRepository } from './pull.repository';
import { ReloadRunner } from './reload-runner';
import { RELOAD_WORKER, ReloadWorker } from './reload-worker.service';
import { ReloadsService } from './reloads.service';

/** The SecretBox under SECRETS_KEY (or the development key file): seals connection secrets. */
const secretBox: Provider = {
  provide: SecretBox,
  inject: [secretsConfig.KEY],
  useFactory: (config: ConfigType<typeof secretsConfig>) => new SecretBox(resolveSecretsKey(config)),
};

/** Acumatica pull (CONTRACT section 7): connections, table sources, reloads run as durable jobs. */
@Module({
  imports: [AuthModule, TenancyModule, DynamicDataModule],
  controllers: [ConnectionsController, SourcesController],
  providers: [
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
export class AcumaticaPullModule {
  /** For processes that manage connections and queue reloads but must not run them (the CLI): the serving nodes run them. */
  static withoutWorker(): DynamicModule {
    return { module: AcumaticaPullModule, providers: [{ provide: RELOAD_WORKER, useValue: false }] };
  }
}
