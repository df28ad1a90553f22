/**
 * Data source for the TypeORM CLI (`npx typeorm -d dist/libs/database/src/data-source.js ...`),
 * built from the same validated configuration as the app. Needs DATABASE_URL.
 */
import { ConfigError, loadConfig } from '@tablecast/config';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';

const { database } = loadConfig();
if (!database.url) throw new ConfigError('DATABASE_URL', 'is required by the TypeORM CLI');

export default new DataSource(buildDataSourceOptions(database.url, database));
