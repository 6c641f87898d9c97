/**
 * Health probes, answered without authentication: `/health/live` (the process serves HTTP) and
 * `/health/ready` (the store is open and, if it says so, caught up: see store/reporting.ts). The app is
 * built only after the store has opened (migrations applied), so readiness is the store's to refuse.
 */
import type { FastifyInstance } from 'fastify';
import type { Readiness } from '../../store/reporting.js';
import { PUBLIC } from '../access.js';
import { sendJson } from '../reply.js';

export function healthRoutes(app: FastifyInstance, readiness: () => Readiness): void {
  app.get('/health/live', { config: PUBLIC }, (req, reply) => sendJson(req, reply, { status: 'UP' }));
  app.get('/health/ready', { config: PUBLIC }, (req, reply) => {
    const state = readiness();
    if (state.ready) return sendJson(req, reply, { status: 'UP' });
    return sendJson(req, reply.code(503), { status: 'DOWN', ...(state.reason ? { reason: state.reason } : {}) });
  });
}
