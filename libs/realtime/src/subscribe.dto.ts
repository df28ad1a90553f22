import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Matches, Min, validateSync } from 'class-validator';
import { toFieldErrors } from '@tablecast/common';
import { TABLE_NAME } from '@tablecast/dynamic-data';

/** UUIDs compare case-insensitively: canonical (lower case) from here on, in keys and in payloads. */
const lowerCase = Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value));

export class UnsubscribeDto {
  @lowerCase
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId: string;

  @lowerCase
  @IsUUID('all', { message: 'solutionId must be a UUID' })
  solutionId: string;

  @Matches(TABLE_NAME, { message: 'table must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' })
  table: string;
}

export class SubscribeDto extends UnsubscribeDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'since must be a whole number (the last seq the client has)' })
  @Min(0)
  since?: number;
}

/** Validates a socket message; returns the DTO or a message naming the failing fields. */
export function readMessage<T extends object>(dto: new () => T, body: unknown): T | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the message must be an object';
  let instance: T;
  try {
    instance = plainToInstance(dto, body);
  } catch {
    // class-transformer converts with plain JavaScript, which throws on values like {"toString": "x"}.
    return 'the message has values that cannot be converted to the expected types';
  }
  const errors = toFieldErrors(validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }));
  return errors.length ? errors.map((e) => e.message).join('; ') : instance;
}
