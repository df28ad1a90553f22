import { DynamicModule, Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { databaseConfig } from '@tablecast/config';
import { buildDataSourceOptions } from './data-source-options';
import { TransactionRunner } from './transaction-runner';

/** The URL the app's pool connects to (for clients outside the pool, e.g. a LISTEN connection). */
export const DATABASE_URL = Symbol('DATABASE_URL');

@Module({})
export class DatabaseModule {
  /** `url` is resolved by the caller: DATABASE_URL, or the embedded PostgreSQL it started. */
  static forRoot(options: { url: string }): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [databaseConfig.KEY],
          useFactory: (config: ConfigType<typeof databaseConfig>) => ({
            ...buildDataSourceOptions(options.url, config),
            retryAttempts: 3,
            retryDelay: 1000,
          }),
        }),
      ],
      providers: [TransactionRunner, { provide: DATABASE_URL, useValue: options.url }],
      exports: [TransactionRunner, DATABASE_URL],
    };
  }
}
