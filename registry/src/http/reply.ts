/** Sending bodies with the negotiated content type; the JSON is produced here, once, by JSON.stringify. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { negotiate } from './content-type.js';

export function sendJson(req: FastifyRequest, reply: FastifyReply, value: unknown): FastifyReply {
  return reply.header('content-type', negotiate(req.headers.accept)).send(JSON.stringify(value));
}

/** Pre-serialised JSON, or a raw schema text served under the JSON content type as Confluent does. */
export function sendRaw(req: FastifyRequest, reply: FastifyReply, body: Buffer | string): FastifyReply {
  return reply.header('content-type', negotiate(req.headers.accept)).send(body);
}
