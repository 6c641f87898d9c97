/**
 * Request bodies the server answers before it has read them (413 for a body over the limit), and bodies
 * that never finish arriving.
 *
 * Closing a connection while the client is still sending makes the kernel answer the unread bytes with a
 * reset, and a reset can destroy the response in the client's buffer before the client reads it: curl saw
 * `100 Continue` and then a closed connection instead of the 413 (1 run in 3). fastify asks for exactly that
 * (`Connection: close` on body parser errors); node's http server then ends and destroys the socket at once.
 * So such answers keep the connection: node reads and discards the rest of the body (it resumes an unread
 * request once its response has finished), the client reads the 413 whenever it looks, and the connection
 * stays usable. What bounds the draining is the body deadline below.
 *
 * Every request with a body must have received it whole within the deadline (counted from the headers).
 * Otherwise: 408 in Confluent's shape if nothing was answered yet (a stalled body, or a Content-Length
 * larger than what was sent), or the connection is destroyed if an answer was already sent (draining went on
 * too long). Installed on the node server rather than as a fastify hook, so requests without a body (the
 * hot reads) pay nothing.
 */
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { V1_JSON } from './content-type.js';

/** For an error answered before its request body was read: keep the connection and let node drain it. */
export function keepConnectionForUnreadBody(req: FastifyRequest, reply: FastifyReply): void {
  if (!req.raw.complete && reply.getHeader('connection') === 'close') reply.removeHeader('connection');
}

const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

function expire(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  const body = JSON.stringify({ error_code: 408, message: `HTTP 408 ${STATUS_CODES[408]}` });
  // The client is not sending: closing now resets nothing it could still be reading.
  res.writeHead(408, { 'content-type': V1_JSON, 'content-length': Buffer.byteLength(body), connection: 'close' }).end(body);
}

/** Every request with a body must have received all of it within `timeoutMs` (see above). */
export function enforceBodyDeadline(server: Server, timeoutMs: number): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!hasBody(req)) return;
    const timer = setTimeout(() => expire(req, res), timeoutMs);
    const clear = () => clearTimeout(timer);
    // 'end': the body was read (or drained) to its end; 'close': the request is over, socket closed included.
    req.once('end', clear);
    req.once('close', clear);
  });
}
