import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, registerAs } from '@nestjs/config';
import { Env } from './env';
import { loadConfig } from './load-config';

export interface TablecastConfigOptions {
  /** Variables to read instead of `process.env` (tests boot apps with their own settings). */
  env?: Env;
}

/** Registers one validated `@nestjs/config` namespace per concern, read from one environment. */
@Module({})
export class TablecastConfigModule {
  static forRoot(options: TablecastConfigOptions = {}): DynamicModule {
    const config = loadConfig(options.env ?? process.env);
    const namespaces = Object.entries(config).map(([name, value]) => registerAs(name, () => value));
    return {
      module: TablecastConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: namespaces, cache: true })],
      exports: [ConfigModule],
    };
  }
}
