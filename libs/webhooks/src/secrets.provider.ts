import { Provider } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { SecretBox } from '@tablecast/common';
import { resolveSecretsKey, secretsConfig } from '@tablecast/config';

/** The SecretBox under SECRETS_KEY (or the development key file). */
export const secretBoxProvider: Provider = {
  provide: SecretBox,
  inject: [secretsConfig.KEY],
  useFactory: (config: ConfigType<typeof secretsConfig>) => new SecretBox(resolveSecretsKey(config)),
};
