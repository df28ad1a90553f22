import { ValidationError, ValidationPipe } from '@nestjs/common';
import { BadRequestError, FieldError } from './domain.errors';

/** Flattens nested class-validator errors into `{field: "a.b[0].c", message}` entries. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fieldErrors = toFieldErrors(errors);
      const summary = fieldErrors.map((e) => e.message).join('; ');
      return new BadRequestError(`Invalid request: ${summary}`, fieldErrors);
    },
  });
}
