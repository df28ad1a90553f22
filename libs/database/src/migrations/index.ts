import { Settings1732200000000 } from './1732200000000-settings';
import { Tenancy1732200000001 } from './1732200000001-tenancy';
import { DynamicData1732200000002 } from './1732200000002-dynamic-data';
import { Acumatica1732200000003 } from './1732200000003-acumatica';
import { TableGraveyard1732200000030 } from './1732200000030-table-graveyard';
import { Webhooks1732200000070 } from './1732200000070-webhooks';
import { AcumaticaPull1732200000080 } from './1732200000080-acumatica-pull';

/** Every migration, in order. Listed explicitly so the build needs no glob at run time. */
export const MIGRATIONS = [
  Settings1732200000000,
  Tenancy1732200000001,
  DynamicData1732200000002,
  Acumatica1732200000003,
  TableGraveyard1732200000030,
  Webhooks1732200000070,
  AcumaticaPull1732200000080,
];
