/**
 * Every error leaves as Confluent's `{"error_code": N, "message": "..."}`, whatever raised it: the core's
 * RegistryError, fastify's own errors (body too large, bad media type, malformed URL), unknown routes
 * (404, never 405: Confluent's JS client falls back only on 404), and connection-level parse failures.
 * Client mistakes never become 5xx (clients retry those, with backoff). Unexpected failures (5xx) are
 * logged with the request line (never the body).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  badRequest,
  httpNotFound,
  internalError,
  payloadTooLarge,
  RegistryError,
  unsupportedMediaType,
} from '../core/errors.js';
import type { Logger } from '../log.js';
import { negotiate } from './content-type.js';
import { keepConnectionForUnreadBody } from './unread-bodies.js';

function isFastifyError(e: unknown): e is FastifyError {
  return e instanceof Error && typeof (e as FastifyError).code === 'string';
}

/** Any thrown value → the RegistryError to answer with. */
export function toRegistryError(err: unknown): RegistryError {
  if (err instanceof RegistryError) return err;
  if (isFastifyError(err)) {
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return payloadTooLarge();
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return unsupportedMediaType();
      case 'FST_ERR_BAD_URL':
        return badRequest('HTTP 400 Bad Request: malformed percent-encoding in the URL');
    }
  }
  const status = (err as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new RegistryError(status, `HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trim());
  return internalError();
}

export function sendError(req: FastifyRequest, reply: FastifyReply, err: RegistryError): FastifyReply {
  return reply.code(err.status).header('content-type', negotiate(req.headers.accept)).send(JSON.stringify(err.toBody()));
}

/** Answers some errors otherwise (a write forwarded to the primary); undefined: answer the error. */
export type ErrorInterceptor = (err: unknown, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> | undefined;

/** Answers any thrown value in Confluent's shape, logging it when it is a 5xx. */
function answerError(log: Logger, err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const mapped = toRegistryError(err);
  if (mapped.status >= 500) log.error({ err, method: req.method, url: req.url }, 'request failed');
  keepConnectionForUnreadBody(req, reply);
  return sendError(req, reply, mapped);
}

/** Installs the error and not-found handlers on the root instance. */
export function installErrorHandlers(app: FastifyInstance, log: Logger, intercept?: ErrorInterceptor): void {
  app.setErrorHandler((err, req, reply) => {
    const intercepted = intercept?.(err, req, reply);
    return intercepted ? intercepted.catch((e: unknown) => answerError(log, e, req, reply)) : answerError(log, err, req, reply);
  });
  app.setNotFoundHandler((req, reply) => sendError(req, reply, httpNotFound()));
}

/** For fastify's `frameworkErrors` option: router-level failures (bad percent-encoding) get our shape too. */
export function frameworkErrorHandler(log: Logger): (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => void {
  return (err, req, reply) => void answerError(log, err, req, reply);
}

/**
 * For fastify's `clientErrorHandler`: the request could not even be parsed (oversized request line or
 * headers, invalid method, broken framing). We answer on the raw socket, still in Confluent's shape.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy(err);
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({ error_code: status, message: `HTTP ${status} ${STATUS_CODES[status]}` });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
