import type { FieldError } from '@tablecast/common';

/** A bad argument: main.ts prints the message as one line and exits 1. */
export class ArgumentError extends Error {
  override name = 'ArgumentError';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id argument (ORG, SOL, TOKEN_ID): a UUID, or one line saying it is not one. */
export function uuidArgument(name: string, value: string): string {
  if (!UUID.test(value)) throw new ArgumentError(`${name}: not a UUID (got ${JSON.stringify(value)})`);
  return value.toLowerCase();
}

/** DTO fields as the CLI spells them. */
const ARGUMENT_NAMES: Record<string, string> = {
  name: 'NAME',
  region: '--region',
  scopes: '--scopes',
  expiresAt: '--expires',
};

/**
 * Validation errors as one line: the first message of each field, named as on the command line
 * ("NAME: must be longer than or equal to 1 characters"), not every rule the value broke.
 */
export function describeFieldErrors(errors: FieldError[]): string {
  const byField = new Map<string, string>();
  for (const { field, message } of errors) {
    const root = field.split(/[.[]/)[0];
    if (byField.has(root)) continue;
    const text = message.startsWith(`${field} `) ? message.slice(field.length + 1) : message;
    byField.set(root, `${ARGUMENT_NAMES[root] ?? root}: ${text}`);
  }
  return [...byField.values()].join('; ');
}
