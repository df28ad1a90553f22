import { ArgumentMetadata, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { oneConstraintMessage } from '@tablecast/config';
import { BadRequestError, FieldError } from './domain.errors';

/**
 * Flattens nested class-validator errors into `{field: "a.b[0].c", message}` entries: one per
 * field, the most telling of its failed constraints (`since=abc` is "must be an integer", not that
 * and "must not be less than 0" as well).
 */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const message = oneConstraintMessage(error.constraints);
    return [...(message === undefined ? [] : [{ field, message }]), ...toFieldErrors(error.children ?? [], field)];
  });
}

/**
 * class-transformer converts values with plain JavaScript (`new Date(value)`, `Number(value)`),
 * which throws a TypeError on hostile objects such as `{"toString": "x"}`. That is bad input (400),
 * not a failure of ours (500).
 */
class InputValidationPipe extends ValidationPipe {
  private lenient?: InputValidationPipe;

  constructor(private readonly options: ValidationPipeOptions) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Unknown query parameters (cache-busters such as ?_=123, tracking tags) are dropped, not refused;
    // unknown body fields still are.
    if (metadata.type === 'query' && this.options.forbidNonWhitelisted) {
      this.lenient ??= new InputValidationPipe({ ...this.options, forbidNonWhitelisted: false });
      return this.lenient.transform(value, metadata);
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof TypeError || error instanceof RangeError) {
        const field = metadata.type;
        throw new BadRequestError(`Invalid request: the ${field} has values that cannot be converted to the expected types`, [
          { field, message: `${field} has values that cannot be converted to the expected types` },
        ]);
      }
      throw error;
    }
  }
}

export function createValidationPipe(): ValidationPipe {
  return new InputValidationPipe({
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
