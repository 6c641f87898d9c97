/**
 * The application's own log: pino, JSON lines on stdout, at LOG_LEVEL. It carries the application's events
 * (start-up, shutdown, unexpected errors answered with 5xx, errors the store recovers from), never request
 * bodies, and Postgres URLs in error texts have their passwords masked.
 *
 * Fastify's own logger stays off: switched on, it makes every request pay for a child logger and response
 * listeners even with request logging disabled (about 60 % of the registry's overhead on the hottest route).
 */
import pino from 'pino';
import { maskUrl, type LogLevel } from './config.js';

export type Logger = pino.Logger;

const POSTGRES_URL = /postgres(?:ql)?:\/\/[^\s'"<>]+/g;

/** The text with the password of every Postgres URL in it masked. */
export function maskSecrets(text: string): string {
  return text.replace(POSTGRES_URL, (url) => maskUrl(url));
}

/** pino's error serializer, with credentials masked in the texts an error may quote. */
function serializeError(err: Error): pino.SerializedError {
  const out = pino.stdSerializers.err(err);
  for (const key of ['message', 'stack'] as const) {
    if (typeof out[key] === 'string') out[key] = maskSecrets(out[key]);
  }
  return out;
}

/** A logger at `level` (`silent`: nothing is written), to stdout unless given another destination. */
export function createLogger(level: LogLevel = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, serializers: { err: serializeError } }, destination);
}
