/**
 * Write forwarding for stores with one elected writer (Kafka). A write on a process that is not the primary
 * fails in the store with NotPrimaryError before anything changed; the request (method, path and query,
 * body, content negotiation headers) is then sent to the primary and its answer relayed. The primary
 * returns, on forwarded requests, the position its view had reached after the write; the forwarding
 * process answers only once its own view has reached it, so a client reading from the process it wrote
 * through sees its write (read-your-writes on every node).
 *
 * A forwarded request is never forwarded again: if it lands on a process that is no longer primary (an
 * election in between), it is answered 50003 and the client retries.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RegistryError } from '../core/errors.js';
import type { Logger } from '../log.js';
import { NotPrimaryError, type Replication } from '../store/store.js';

export const FORWARDED_HEADER = 'x-schemata-forwarded';
export const POSITION_HEADER = 'x-schemata-position';

const FORWARD_TIMEOUT_MS = 20_000;
/** How long the forwarding process waits for its own view to hold the primary's write. */
const CATCH_UP_TIMEOUT_MS = 30_000;

const forwardingFailed = (message: string) => new RegistryError(50003, message);
const unknownLeader = () => new RegistryError(50004, 'Error while forwarding the request: the primary is not known (an election is under way)');

/** On the primary: tells forwarding processes how far to read before they answer. */
export function installForwarding(app: FastifyInstance, replication: Replication): void {
  app.addHook('onSend', async (req, reply) => {
    if (req.headers[FORWARDED_HEADER] !== undefined) void reply.header(POSITION_HEADER, replication.token());
  });
}

/** Forwards a write that failed with NotPrimaryError; returns the relayed answer. */
export async function forwardToPrimary(
  err: NotPrimaryError,
  req: FastifyRequest,
  reply: FastifyReply,
  replication: Replication,
  log: Logger,
): Promise<FastifyReply> {
  if (req.headers[FORWARDED_HEADER] !== undefined) throw forwardingFailed('Error while forwarding the request: the receiving node is not the primary');
  if (!err.primaryUrl) throw unknownLeader();
  const headers: Record<string, string> = { [FORWARDED_HEADER]: '1' };
  for (const name of ['content-type', 'accept'] as const) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  let response: Response;
  try {
    response = await fetch(`${err.primaryUrl}${req.url}`, {
      method: req.method,
      headers,
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
  } catch (e) {
    log.warn({ err: e, primary: err.primaryUrl }, 'forwarding a write to the primary failed');
    throw forwardingFailed(`Error while forwarding the request to the primary at ${err.primaryUrl}`);
  }
  const body = await response.text();
  const position = response.headers.get(POSITION_HEADER);
  if (position && !(await replication.waitForToken(position, CATCH_UP_TIMEOUT_MS))) {
    log.warn({ position }, 'the forwarded write was answered but this process has not read it back yet');
  }
  const type = response.headers.get('content-type');
  if (type) void reply.header('content-type', type);
  return reply.code(response.status).send(body);
}
