/**
 * What each route needs from the caller, declared on the route itself (`config.access`), so no route can be
 * added without an authorization decision: `requireAccessDeclarations` refuses to register one that has
 * none, whether or not security is switched on. The security layer (src/security/) reads these declarations;
 * routes only declare them and pass `req.visibility` (set by the security layer when the caller may read
 * only some subjects) into the core's listing calls.
 */
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { normalizeContextName, parseSubject, scopeOf } from '../core/subjects.js';
import { bool, type Query } from './query.js';

/** Each operation includes the ones before it: admin ⊃ write ⊃ read. */
export const OPERATIONS = ['read', 'write', 'admin'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** What an operation applies to. `global` is the registry-wide config and mode (`/config`, `/mode`). */
export type Resource =
  | { readonly kind: 'subject'; readonly name: string }
  | { readonly kind: 'context'; readonly name: string }
  | { readonly kind: 'global' }
  | { readonly kind: 'metrics' };

export interface Requirement {
  readonly operation: Operation;
  readonly resource: Resource;
}

/** A schema named by id (`?subject=` selects the context) or by guid: readable when a subject holding it is. */
export type SchemaTarget = { readonly id: number; readonly subject?: string | undefined } | { readonly guid: string };

export type Access =
  /** No authentication at all: the health probes only. */
  | { readonly kind: 'public' }
  /** Any authenticated caller: server metadata, and listings the route filters through `req.visibility`. */
  | { readonly kind: 'authenticated' }
  /** An operation on a resource derived from the request. */
  | { readonly kind: 'resource'; readonly requirement: (req: FastifyRequest) => Requirement }
  /** Read a schema by id or guid; `undefined` when the request names none (the route answers 404 itself). */
  | { readonly kind: 'schema'; readonly target: (req: FastifyRequest) => SchemaTarget | undefined };

/** A route's `config`: its access, and whether a successful call changes the registry (audited). */
export interface RouteAccess {
  readonly access: Access;
  readonly mutates?: boolean;
}

/** What the caller may see, for listings; absent when the caller may see everything. Plain functions (no `this`). */
export interface Visibility {
  readonly subject: (key: string) => boolean;
  readonly context: (name: string) => boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    mutates?: boolean;
  }
  interface FastifyRequest {
    /** Set by the security layer when the caller may read only some subjects. */
    visibility: Visibility | null;
  }
}

type Params = Record<string, string | undefined>;
const params = (req: FastifyRequest) => req.params as Params;
const query = (req: FastifyRequest) => req.query as Query;

/** The stored key a subject path names (`:.:x` is `x`). */
export function subjectResource(raw: string): Resource {
  return { kind: 'subject', name: parseSubject(raw).key };
}

/** What a config or mode path names: the registry-wide level, a context, or a subject. */
export function scopeResource(raw: string | undefined): Resource {
  if (raw === undefined) return { kind: 'global' };
  const scope = scopeOf(raw);
  if (scope.kind === 'subject') return { kind: 'subject', name: scope.key };
  if (scope.kind === 'context') return { kind: 'context', name: scope.context };
  return { kind: 'global' };
}

export const PUBLIC: RouteAccess = { access: { kind: 'public' } };
export const AUTHENTICATED: RouteAccess = { access: { kind: 'authenticated' } };

const resource = (requirement: (req: FastifyRequest) => Requirement, mutates = false): RouteAccess => ({
  access: { kind: 'resource', requirement },
  ...(mutates ? { mutates } : {}),
});

/** `operation` on the `:subject` of the path. */
export const onSubject = (operation: Operation, mutates = false): RouteAccess =>
  resource((req) => ({ operation, resource: subjectResource(params(req).subject ?? '') }), mutates);

/** Deleting under `:subject`: write, or admin when `permanent=true`. */
export const deleteOnSubject: RouteAccess = resource(
  (req) => ({ operation: bool(query(req), 'permanent') ? 'admin' : 'write', resource: subjectResource(params(req).subject ?? '') }),
  true,
);

/** `operation` on the scope a config or mode path names (`/config` itself: the global level). */
export const onScope = (operation: Operation, mutates = false): RouteAccess =>
  resource((req) => ({ operation, resource: scopeResource(params(req).subject) }), mutates);

/** `operation` on the `:context` of the path. */
export const onContext = (operation: Operation, mutates = false): RouteAccess =>
  resource((req) => ({ operation, resource: { kind: 'context', name: normalizeContextName(params(req).context ?? '') } }), mutates);

/**
 * `operation` on the registry-wide level, for the DEK registry's KEK writes (a KEK is shared by every
 * subject that encrypts with it, so creating, changing or deleting one is an administrator's act).
 */
export const onRegistry = (operation: Operation, mutates = false): RouteAccess =>
  resource(() => ({ operation, resource: { kind: 'global' } }), mutates);

export const onMetrics: RouteAccess = resource(() => ({ operation: 'read', resource: { kind: 'metrics' } }));

/** Reading a schema by id or guid. */
export const onSchema = (target: (req: FastifyRequest) => SchemaTarget | undefined): RouteAccess => ({ access: { kind: 'schema', target } });

/** Refuses, at registration, any route that does not declare its access (HEAD twins inherit their GET's). */
export function requireAccessDeclarations(app: FastifyInstance): void {
  app.decorateRequest('visibility', null);
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.config?.access) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no access (config.access): see src/http/access.ts`);
    }
  });
}
