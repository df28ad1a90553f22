import { betaInternal } from '../../beta/src/beta.internal';
import { appMain } from '../../../apps/web/src/main';

export const alpha = () => [betaInternal, appMain];
