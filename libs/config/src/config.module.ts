import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ConfigFactoryKeyHost, ConfigModule } from '@nestjs/config';
import { appConfig } from './app.config';
import { authConfig } from './auth.config';
import { cdcConfig } from './cdc.config';
import { dataConfig } from './data.config';
import { databaseConfig } from './database.config';
import { Env } from './env';
import { httpConfig } from './http.config';
import { outboundConfig } from './outbound.config';
import { parseConfig } from './parse.config';
import { secretsConfig } from './secrets.config';
import { webhooksConfig } from './webhooks.config';
import { pullConfig } from './pull.config';
import { loadConfig, TablecastConfig } from './load-config';
import { realtimeConfig } from './realtime.config';
import { redisConfig } from './redis.config';
import { regionConfig } from './region.config';

export interface TablecastConfigOptions {
  /** Variables to read instead of `process.env` (tests boot apps with their own settings). */
  env?: Env;
}

/** Each namespace's injection token, by its name in TablecastConfig (the compiler checks that every one is here, with its type). */
const NAMESPACES: { [K in keyof TablecastConfig]: ConfigFactoryKeyHost<TablecastConfig[K]> } = {
  app: appConfig,
  auth: authConfig,
  cdc: cdcConfig,
  data: dataConfig,
  database: databaseConfig,
  realtime: realtimeConfig,
  redis: redisConfig,
  region: regionConfig,
  http: httpConfig,
  parse: parseConfig,
  secrets: secretsConfig,
  outbound: outboundConfig,
  webhooks: webhooksConfig,
  pull: pullConfig,
};

/**
 * Validates the whole configuration once (`loadConfig`) from one environment and provides each
 * namespace under its token, plus `ConfigService` (`get('app')`, …) over the same object.
 */
@Module({})
export class TablecastConfigModule {
  static forRoot(options: TablecastConfigOptions = {}): DynamicModule {
    const config = loadConfig(options.env ?? process.env);
    const namespaces: Provider[] = (Object.keys(NAMESPACES) as (keyof TablecastConfig)[]).map((name) => ({
      provide: NAMESPACES[name].KEY,
      useValue: config[name],
    }));
    return {
      module: TablecastConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, ignoreEnvVars: true, skipProcessEnv: true, load: [() => config], cache: true })],
      providers: namespaces,
      exports: [ConfigModule, ...namespaces],
    };
  }
}
