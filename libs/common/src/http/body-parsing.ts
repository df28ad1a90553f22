import { Logger } from '@nestjs/common';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError } from '../errors/domain.errors';
import { sendProblem } from '../errors/problem-details.filter';

const JSON_TYPES = ['application/json', 'application/*+json'];

export interface BodyParsingOptions {
  maxBodyBytes: number;
  /** Paths whose JSON body is handed over as text, for routes that parse it themselves (losslessly). */
  rawJsonPaths: RegExp[];
}

/**
 * Request body handling for the whole app: 415 for a body that is not JSON, 413 as soon as a body
 * exceeds the limit (declared or streamed, without buffering it whole), 400 for malformed JSON.
 */
export function bodyParsing(options: BodyParsingOptions): (RequestHandler | express.ErrorRequestHandler)[] {
  const logger = new Logger('BodyParsing');
  const json = express.json({ limit: options.maxBodyBytes, type: JSON_TYPES, strict: true });
  const text = express.text({ limit: options.maxBodyBytes, type: JSON_TYPES, defaultCharset: 'utf-8' });

  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is(JSON_TYPES)) {
      next(new DomainError('unsupported_media_type', 'The body must be JSON (Content-Type: application/json).'));
      return;
    }
    next();
  };
  const parse: RequestHandler = (req, res, next) => {
    const raw = options.rawJsonPaths.some((pattern) => pattern.test(req.path));
    (raw ? text : json)(req, res, next);
  };
  const onError = (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    sendProblem(res, error, logger);
  };
  return [requireJson, parse, onError];
}
