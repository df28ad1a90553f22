import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { ConfigError } from './config.errors';
import { oneConstraintMessage } from './validation-message';

/** The environment a configuration is read from: `process.env` in a process, a plain object in tests. */
export type Env = Record<string, string | undefined>;

/**
 * Validates the variables of one namespace against a class-validator schema whose property names
 * are the variable names, so every error names the variable. Empty strings count as unset.
 */
export function validateEnv<T extends object>(schema: new () => T, env: Env, names: (keyof T & string)[]): T {
  const raw: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') raw[name] = value.trim();
  }
  const instance = plainToInstance(schema, raw, { enableImplicitConversion: true });
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) throw toConfigError(errors[0], raw);
  return instance;
}

/** Variables whose values may hold credentials: never echoed in an error. */
const SECRET_VARIABLES = new Set(['ADMIN_TOKEN', 'DATABASE_URL', 'REDIS_URL', 'SECRETS_KEY']);

function toConfigError(error: ValidationError, raw: Record<string, string>): ConfigError {
  const message = oneConstraintMessage(error.constraints) ?? 'is invalid';
  const problem = message.startsWith(error.property) ? message.slice(error.property.length).trim() : message;
  const given = raw[error.property];
  const echo = given !== undefined && !SECRET_VARIABLES.has(error.property);
  return new ConfigError(error.property, echo ? `${problem} (got ${JSON.stringify(given)})` : problem);
}
