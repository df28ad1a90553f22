import { betaInternal } from '../../api/src/shared';

export const appMain = betaInternal;
