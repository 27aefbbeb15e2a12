import express, { type RequestHandler } from 'express';
import { HttpError } from './http-error.js';

const BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

/**
 * Body parsing for the app: JSON (objects and arrays only) and HTML forms, up to 16 KiB. A body of
 * any other type is refused with a 400 instead of being silently ignored, so that a client that
 * sends `text/plain` or `multipart/form-data` learns why its fields were not seen.
 */
export function bodyParsing(): RequestHandler[] {
  const refuseOtherTypes: RequestHandler = (req, _res, next) => {
    if (hasBody(req) && !req.is(BODY_TYPES)) {
      const type = req.get('content-type') ?? 'none';
      next(
        new HttpError(
          400,
          `Unsupported Content-Type "${type}". Send application/json or a form (application/x-www-form-urlencoded).`,
        ),
      );
      return;
    }
    next();
  };
  return [
    refuseOtherTypes,
    express.json({ limit: '16kb', strict: true }),
    express.urlencoded({ limit: '16kb', extended: false, parameterLimit: 50 }),
  ];
}

/** Whether a request carries a body (the same test body parsers use). */
function hasBody(req: express.Request): boolean {
  return req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
}
