import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { ApiError } from '@caucus/shared/errors.ts';
import { AppError } from './errors.ts';
import { classifyOutage, OUTAGE_MESSAGES } from './outages.ts';
import { validationToAppError } from './validation.ts';

// Fastify's own 4xx (bad JSON, wrong content type, too large) in words a person can act on.
const FASTIFY_CODES: Record<string, [number, ApiError['error'], string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_input', 'The request body is not valid JSON.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_input', 'The request body is empty: send a JSON object.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'Send the body as application/json.'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'The request body is too large.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_input', 'The Content-Length header does not match the body.'],
};

/**
 * One error handler: domain and validation errors become 4xx JSON; the database away is a 503 and
 * a full disk a 507, each saying so; anything else is a 500 whose details stay in the log.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (request.raw.complete === false) discardUnreadBody(request.raw, reply);
    if (error.validation) {
      const appError = validationToAppError(error.validation, error.validationContext);
      return reply.status(400).send(toBody(appError));
    }
    if (error instanceof AppError) {
      if (error.code === 'rate_limited') reply.header('retry-after', '60');
      return reply.status(error.status).send(toBody(error));
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) return reply.status(known[0]).send({ error: known[1], message: known[2] });
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ error: 'invalid_input', message: error.message });
    }
    const outage = classifyOutage(error);
    if (outage === 'database_unavailable') {
      request.log.warn({ err: error }, 'database unavailable');
      return reply.status(503).header('retry-after', '5').send({ error: outage, message: OUTAGE_MESSAGES[outage] });
    }
    if (outage === 'disk_full') {
      request.log.error({ err: error }, 'disk full');
      return reply.status(507).send({ error: outage, message: OUTAGE_MESSAGES[outage] });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: 'internal', message: 'Something went wrong on our side. Try again; if it persists, tell the network team.' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` });
  });
}

/** Past this, a refused body is not worth reading to its end: the connection closes instead. */
const DRAIN_MAX_BYTES = 32 * 1024 * 1024;

/**
 * A request refused before its body was read to the end (an upload on a full disk): the rest is
 * read and thrown away, so that the client, still sending, gets the answer rather than a broken
 * pipe, and its next request on the connection does not wait behind the unread bytes. A body of
 * unknown or excessive length closes the connection after the answer instead.
 */
function discardUnreadBody(raw: IncomingMessage, reply: FastifyReply): void {
  const declared = Number(raw.headers['content-length']);
  if (Number.isFinite(declared) && declared <= DRAIN_MAX_BYTES) {
    raw.unpipe();
    raw.resume();
  } else {
    reply.header('connection', 'close');
  }
}

function toBody(error: AppError): ApiError {
  return { error: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) };
}
