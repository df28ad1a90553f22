import { HttpException, Logger } from '@nestjs/common';
import { NotFoundError, sendProblem } from '@tablecast/common';
import express, { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const CONSOLE_PATH = '/console';

const logger = new Logger('Console');
/** A Host header worth echoing into the policy (anything else: the policy keeps 'self' only). */
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * Nothing but this origin: scripts and styles from files (no inline code), the API and its
 * Socket.IO over HTTP and WebSocket. Older browsers do not count ws://host as 'self', so the
 * request's own host is named for WebSockets.
 */
export function contentSecurityPolicy(host: string | undefined): string {
  const sockets = host && HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The built console (dist/console of the checkout or image this file runs from): the first ancestor with a package.json is the root. */
export function defaultConsoleDir(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'console');
}

/**
 * Serves the single-page web console at /console/ from `dir`: /console redirects to /console/,
 * files are served as they are, any other path under /console/ gets index.html (the app routes
 * it) except under assets/, where a missing file is a 404. index.html is revalidated on every
 * load, hashed assets are cached for a year. When `dir` holds no build, every /console request
 * is a 404 problem saying how to build it; the API itself is unaffected.
 */
export function serveConsole(dir: string): RequestHandler {
  const index = join(dir, 'index.html');
  // Vite names every file under assets/ by its content hash (a changed file is a new URL): public, max-age=31536000, immutable.
  const assets = express.static(join(dir, 'assets'), { index: false, redirect: false, immutable: true, maxAge: '365d', fallthrough: true });
  const files = express.static(dir, { index: false, redirect: false, cacheControl: false, fallthrough: true });
  const router = express.Router({ strict: true });

  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next('router');
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(req.headers.host));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    if (!existsSync(index)) {
      return sendProblem(
        res,
        new NotFoundError('The web console is not built on this server: run `npm run build`, or `npm start`, which builds it.'),
        logger,
      );
    }
    if (req.originalUrl === CONSOLE_PATH || req.originalUrl.startsWith(`${CONSOLE_PATH}?`)) {
      return res.redirect(301, `${CONSOLE_PATH}/${req.originalUrl.slice(CONSOLE_PATH.length)}`);
    }
    next();
  });
  router.use('/assets', assets, (req: Request, res: Response) => {
    sendProblem(
      res,
      new NotFoundError(`No console asset ${req.baseUrl}${req.path}: the page was built by another version; reload it.`),
      logger,
    );
  });
  router.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-cache');
    files(req, res, () => sendIndex(index, res, next));
  });
  router.use(fileErrors);
  return router;
}

function sendIndex(index: string, res: Response, next: NextFunction): void {
  res.sendFile(index, { cacheControl: false }, (error) => error && next(error));
}

/** serve-static's own refusals (a malformed path: 400, a path out of the folder: 403) keep their status, as problem+json. */
const fileErrors: ErrorRequestHandler = (error: Error & { status?: number }, _req, res, _next) => {
  void _next;
  const status = error.status && error.status >= 400 && error.status < 500 ? error.status : undefined;
  sendProblem(res, status ? new HttpException(status === 404 ? 'No such file.' : 'The path cannot be served.', status) : error, logger);
};
