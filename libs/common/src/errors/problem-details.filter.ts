import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { Response } from 'express';
import { toProblem } from './problem';

/** The one exception filter: every HTTP error leaves as application/problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const response = host.switchToHttp().getResponse<Response>();
    sendProblem(response, error, this.logger);
  }
}

export function sendProblem(response: Response, error: unknown, logger: Pick<Logger, 'error'>): void {
  const requestId = (response.req as { id?: unknown } | undefined)?.id;
  const result = toProblem(error, { requestId: typeof requestId === 'string' ? requestId : undefined });
  if (result.unexpected) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    logger.error(result.body.requestId ? `request ${String(result.body.requestId)}: ${text}` : text);
  }
  if (response.headersSent) {
    response.end();
    return;
  }
  for (const [name, value] of Object.entries(result.headers)) response.setHeader(name, value);
  response.status(result.status).type('application/problem+json').send(JSON.stringify(result.body));
}
