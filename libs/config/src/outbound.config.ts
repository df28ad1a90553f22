import { IsIn, IsOptional } from 'class-validator';
import { Env, validateEnv } from './env';
import { configNamespace } from './config-namespace';

class OutboundEnv {
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'ALLOW_PRIVATE_NETWORK must be true or false' })
  ALLOW_PRIVATE_NETWORK: string = 'false';
}

export interface OutboundConfig {
  /** Outbound requests (webhooks, Acumatica connections) may reach loopback, private and link-local addresses. */
  allowPrivateNetwork: boolean;
}

export function parseOutboundConfig(env: Env): OutboundConfig {
  const raw = env.ALLOW_PRIVATE_NETWORK?.trim().toLowerCase();
  const v = validateEnv(OutboundEnv, { ALLOW_PRIVATE_NETWORK: raw }, ['ALLOW_PRIVATE_NETWORK']);
  return { allowPrivateNetwork: v.ALLOW_PRIVATE_NETWORK === 'true' };
}

export const outboundConfig = configNamespace<OutboundConfig>('outbound');
