import { BadRequestError, toFieldErrors } from '@tablecast/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';

/** Same validation as the HTTP API: the DTO's rules, every failing field listed. */
export async function validated<T extends object>(dto: new () => T, input: Record<string, unknown>): Promise<T> {
  const instance = plainToInstance(dto, input);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) {
    const fieldErrors = toFieldErrors(errors);
    throw new BadRequestError(`Invalid arguments: ${fieldErrors.map((e) => e.message).join('; ')}`, fieldErrors);
  }
  return instance;
}
