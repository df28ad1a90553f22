import { Logger } from '@nestjs/common';
import contentType from 'content-type';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import getRawBody from 'raw-body';
import { BadRequestError, DomainError, PayloadTooLargeError } from '../errors/domain.errors';
import { sendProblem } from '../errors/problem-details.filter';
import { parseExactJson, stringifyExact } from './exact-json';
import { findUnstorable } from './storable-json';

const JSON_TYPES = ['application/json', 'application/*+json'];

export interface BodyParsingOptions {
  maxBodyBytes: number;
  /** Paths whose JSON body is handed over as text, for routes that parse it themselves (losslessly). */
  rawJsonPaths: RegExp[];
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * Only UTF-8 (JSON's encoding); anything else is 415. A Content-Type header that does not parse
 * (`application/json;`, `; charset`, `; charset=`) is a malformed request: 400 naming the header.
 */
function charsetOf(req: Request): string {
  let parameters: Record<string, string>;
  try {
    parameters = contentType.parse(req).parameters;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BadRequestError(`The Content-Type header is malformed (${reason}); send Content-Type: application/json, optionally with ; charset=utf-8.`, [
      { field: 'Content-Type', message: `Content-Type is malformed: ${reason}` },
    ]);
  }
  const charset = parameters.charset?.toLowerCase() ?? 'utf-8';
  if (charset !== 'utf-8' && charset !== 'utf8') throw new DomainError('unsupported_media_type', `The body must be UTF-8, not ${charset}.`);
  return 'utf-8';
}

/**
 * `res.json` (what Nest answers with) writes numbers a double cannot hold (ExactNumber, read from
 * jsonb or from a body) as their exact digits, like the rest of the text JSON.stringify writes.
 */
const exactJsonResponses: RequestHandler = (_req, res, next) => {
  res.json = (body: unknown) => {
    if (!res.get('Content-Type')) res.set('Content-Type', 'application/json; charset=utf-8');
    return res.send(stringifyExact(body));
  };
  next();
};

/**
 * Request bodies (and JSON answers, see exactJsonResponses) for the whole app: 415 for a body
 * that is not JSON, 413 as soon as a body is known to exceed the limit — from its Content-Length
 * before reading it, or while it streams in —
 * without buffering or even draining the rest, 400 for malformed JSON and for JSON that cannot be
 * stored or validated safely (NUL or unpaired surrogates in strings, numbers beyond PostgreSQL's
 * numeric, nesting deeper than MAX_JSON_DEPTH). Numbers a double cannot hold are kept exactly.
 */
export function bodyParsing(options: BodyParsingOptions): (RequestHandler | express.ErrorRequestHandler)[] {
  const logger = new Logger('BodyParsing');
  const tooLarge = () => new PayloadTooLargeError(`The body is larger than the limit of ${options.maxBodyBytes} bytes.`);

  const read: RequestHandler = (req, res, next) => {
    if (!hasBody(req)) return next();
    if (!req.is(JSON_TYPES)) return next(new DomainError('unsupported_media_type', 'The body must be JSON (Content-Type: application/json).'));
    let encoding: string;
    try {
      encoding = charsetOf(req);
    } catch (error) {
      return next(error);
    }
    const declared = Number(req.headers['content-length']);
    if (declared > options.maxBodyBytes) return refuse(req, res, tooLarge());
    getRawBody(req, { limit: options.maxBodyBytes, length: Number.isFinite(declared) ? declared : undefined, encoding }, (error, text) => {
      if (error) {
        const type = (error as { type?: string }).type;
        if (type === 'entity.too.large') return refuse(req, res, tooLarge());
        return next(new BadRequestError('The body could not be read completely.'));
      }
      if (options.rawJsonPaths.some((pattern) => pattern.test(req.path))) {
        req.body = text;
        return next();
      }
      if (!/^[\s\uFEFF]*[[{]/.test(text)) return next(new BadRequestError('The body must be a JSON object or array.'));
      try {
        req.body = parseExactJson(text); // numbers a double would change stay exact (stored as sent)
      } catch {
        return next(new BadRequestError('The body is not valid JSON.'));
      }
      // JSON that parses but that PostgreSQL could not store, or too deep for recursive validators: 400, not 500.
      const problem = findUnstorable(req.body);
      if (problem) {
        const field = problem.path || 'body';
        return next(new BadRequestError(`Invalid request: ${field} ${problem.message}`, [{ field, message: `${field} ${problem.message}` }]));
      }
      next();
    });
  };

  /** Answers at once and closes the connection: the rest of an oversized body is never read. */
  function refuse(req: Request, res: Response, error: DomainError): void {
    req.unpipe();
    req.pause();
    res.setHeader('Connection', 'close');
    res.once('finish', () => setTimeout(() => req.socket.destroy(), 50).unref());
    sendProblem(res, error, logger);
  }

  const onError = (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    sendProblem(res, error, logger);
  };
  return [exactJsonResponses, read, onError];
}
