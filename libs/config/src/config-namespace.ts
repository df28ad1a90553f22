import { ConfigFactoryKeyHost, ConfigObject, registerAs } from '@nestjs/config';

/**
 * The injection token (and, through `ConfigType<typeof token>`, the type) of one configuration
 * namespace: `@Inject(appConfig.KEY) config: ConfigType<typeof appConfig>`. Its value is never
 * computed here: `TablecastConfigModule.forRoot()` provides it from `loadConfig(env)`, the one
 * place the environment is read and validated. Loading the token on its own fails loudly.
 */
export function configNamespace<T extends ConfigObject>(name: string): (() => T) & ConfigFactoryKeyHost<T> {
  return registerAs<T, () => T>(name, (): T => {
    throw new Error(`The "${name}" configuration is provided by TablecastConfigModule.forRoot(), not loaded on its own.`);
  });
}
