import { join } from 'node:path';

/** Acumatica sample push notifications kept in the repository (see its README). */
export const ACUMATICA_FIXTURES = join(__dirname, '../fixtures/acumatica');
