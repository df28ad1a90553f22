import { ValidateBy, ValidationOptions } from 'class-validator';

export function isPostgresUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    // A host may also come from ?host= (e.g. a Unix socket folder), so only the scheme is required.
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
}

export function IsPostgresUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPostgresUrl',
      validator: {
        validate: isPostgresUrl,
        defaultMessage: () => '$property must be a postgres:// or postgresql:// URL',
      },
    },
    options,
  );
}
