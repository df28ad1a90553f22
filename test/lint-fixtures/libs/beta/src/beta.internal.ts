import { alpha } from '../../alpha/src';

export const betaInternal = () => alpha;
