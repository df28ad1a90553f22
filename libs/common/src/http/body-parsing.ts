import { Logger } from '@nestjs/common';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { BadRequestError, DomainError } from '../errors/domain.errors';
import { sendProblem } from '../errors/problem-details.filter';
import { findUnstorable } from './storable-json';

const JSON_TYPES = ['application/json', 'application/*+json'];

export interface BodyParsingOptions {
  maxBodyBytes: number;
  /** Paths whose JSON body is handed over as text, for routes that parse it themselves (losslessly). */
  rawJsonPaths: RegExp[];
}

/**
 * Request body handling for the whole app: 415 for a body that is not JSON, 413 as soon as a body
 * exceeds the limit (declared or streamed, without buffering it whole), 400 for malformed JSON and
 * for JSON that cannot be stored or validated safely (NUL or unpaired surrogates in strings,
 * numbers beyond double range, nesting deeper than MAX_JSON_DEPTH).
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
    if (raw) return text(req, res, next);
    json(req, res, (error?: unknown) => {
      if (error) return next(error);
      const problem = findUnstorable(req.body);
      if (!problem) return next();
      const field = problem.path || 'body';
      next(new BadRequestError(`Invalid request: ${field} ${problem.message}`, [{ field, message: `${field} ${problem.message}` }]));
    });
  };
  const onError = (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    sendProblem(res, error, logger);
  };
  return [requireJson, parse, onError];
}
