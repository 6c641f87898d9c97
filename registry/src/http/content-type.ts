/**
 * Request and response content types (Confluent's @Consumes/@Produces, client/.../rest/Versions.java).
 *
 * Requests: the three JSON types and application/octet-stream are parsed as JSON, as is a body sent without
 * any Content-Type (Jersey treats that as octet-stream); anything else is 415. An empty body is no body:
 * clients send a JSON Content-Type on GET and DELETE without one.
 *
 * Responses: weighted v1+json (1.0) > vnd.schemaregistry+json (0.9) > json (0.5) against the Accept header,
 * so no Accept or `*\/*` gets v1+json and `Accept: application/json` gets application/json. An Accept that
 * matches nothing still gets v1+json (Jersey would answer 406; no client benefits from that).
 */
import type { FastifyInstance } from 'fastify';
import { badRequest, unsupportedMediaType } from '../core/errors.js';

export const V1_JSON = 'application/vnd.schemaregistry.v1+json';
export const DEFAULT_JSON = 'application/vnd.schemaregistry+json';
export const JSON_TYPE = 'application/json';
const OCTET_STREAM = 'application/octet-stream';

const PRODUCED: readonly (readonly [string, number])[] = [
  [V1_JSON, 1],
  [DEFAULT_JSON, 0.9],
  [JSON_TYPE, 0.5],
];

/** Parses a JSON body; blank means "no body". Malformed JSON is 400/400 with the parser's message. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(e instanceof Error ? e.message : 'Malformed JSON');
  }
}

export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const json = (_req: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      done(null, parseJsonBody(body.toString()));
    } catch (e) {
      done(e as Error);
    }
  };
  for (const type of [V1_JSON, DEFAULT_JSON, JSON_TYPE, OCTET_STREAM]) app.addContentTypeParser(type, { parseAs: 'string' }, json);
  // The catch-all: no Content-Type at all is JSON; any other type is not ours.
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    if (req.headers['content-type'] === undefined) json(req, body, done);
    else done(unsupportedMediaType());
  });
}

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [media = '', ...params] = part.trim().split(';');
    const [type = '', subtype = ''] = media.trim().toLowerCase().split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split('=').map((s) => s.trim());
      if (k === 'q' && v !== undefined) q = Number.isFinite(Number(v)) ? Number(v) : 0;
    }
    ranges.push({ type, subtype, q });
  }
  return ranges;
}

/** The client's quality for a media type: from its most specific matching range (0 when none matches). */
function clientQuality(ranges: readonly MediaRange[], mediaType: string): number {
  const [type, subtype] = mediaType.split('/');
  let best = -1;
  let q = 0;
  for (const r of ranges) {
    const specificity = r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' ? 0 : -1;
    if (specificity > best) {
      best = specificity;
      q = r.q;
    }
  }
  return q;
}

const negotiated = new Map<string, string>();

/** The response Content-Type for an Accept header (memoised: clients send a handful of distinct values). */
export function negotiate(accept: string | undefined): string {
  if (accept === undefined || accept === '' || accept === '*/*') return V1_JSON;
  const known = negotiated.get(accept);
  if (known !== undefined) return known;
  const ranges = parseAccept(accept);
  let chosen = V1_JSON;
  let score = 0;
  for (const [type, weight] of PRODUCED) {
    const s = clientQuality(ranges, type) * weight;
    if (s > score) {
      score = s;
      chosen = type;
    }
  }
  if (negotiated.size < 256) negotiated.set(accept, chosen);
  return chosen;
}
