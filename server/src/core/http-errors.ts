import type { FastifyError, FastifyInstance } from 'fastify';
import type { ApiError } from '@caucus/shared/errors.ts';
import { AppError } from './errors.ts';
import { validationToAppError } from './validation.ts';

// Fastify's own 4xx (bad JSON, wrong content type, too large) in words a person can act on.
const FASTIFY_CODES: Record<string, [number, ApiError['error'], string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_input', 'The request body is not valid JSON.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_input', 'The request body is empty: send a JSON object.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'Send the body as application/json.'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'The request body is too large.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_input', 'The Content-Length header does not match the body.'],
};

/** One error handler: domain and validation errors become 4xx JSON; anything else is a 500 whose details stay in the log. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
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
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: 'internal', message: 'Something went wrong on our side. Try again; if it persists, tell the network team.' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` });
  });
}

function toBody(error: AppError): ApiError {
  return { error: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) };
}
