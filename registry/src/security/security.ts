/**
 * The security layer over the HTTP routes, as fastify hooks: authentication (Basic, bearer JWT, client
 * certificate), the failed-attempt and per-principal rate limits, authorization from each route's declared
 * access (http/access.ts), and the audit log. Created from SecurityConfig before the fastify instance
 * (HTTPS must be given to its constructor), installed on it before the routes.
 *
 * Nothing is installed when nothing is configured: the registry then answers exactly as without this
 * module, with no hook on any route.
 */
import type { ServerOptions } from 'node:https';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from '../core/index.js';
import { RegistryError } from '../core/errors.js';
import type { Access, Requirement, Resource, SchemaTarget, Visibility } from '../http/access.js';
import type { Logger } from '../log.js';
import { AuditLog, auditSink, type AuditData, type AuditSink, type AuditType } from './audit.js';
import { KafkaAuditSink, TeeAuditSink } from './audit-kafka.js';
import { Authorizer } from './authorizer.js';
import { BasicAuthenticator } from './basic.js';
import { loadBindings, type Binding } from './bindings.js';
import { JwtAuthenticator } from './jwt.js';
import { certificatePrincipal } from './mtls.js';
import type { SecurityConfig } from './options.js';
import { ANONYMOUS, AuthenticationError, type Principal } from './principal.js';
import { RateLimiter } from './rate-limit.js';
import { ReloadableFile, type ReloadListener } from './reloadable.js';
import { httpsOptions } from './tls.js';
import { loadUsers, type UserEntry } from './users-file.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Reloads the users, bindings and JWKS files now (what SIGHUP does); a no-op without them. */
    reloadSecurity(): Promise<void>;
  }
}

/** Unmatched requests (404) still need authentication: an anonymous caller learns nothing about routes. */
const UNMATCHED: Access = { kind: 'authenticated' };
const DENIED_CODE = 40301;

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function describe(resource: Resource | SchemaTarget): string {
  if ('id' in resource) return `schema:${resource.id}`;
  if ('guid' in resource) return `schema:${resource.guid}`;
  return 'name' in resource ? `${resource.kind}:${resource.name}` : resource.kind;
}

/** Confluent's RBAC wording: "User is denied operation Write on Subject: orders-value". */
function denied(operation: string, resource: Resource | SchemaTarget): RegistryError {
  let on: string;
  if ('id' in resource) on = `Schema: ${resource.id}`;
  else if ('guid' in resource) on = `Schema: ${resource.guid}`;
  else if ('name' in resource) on = `${capitalize(resource.kind)}: ${resource.name}`;
  else on = resource.kind === 'global' ? 'Global config and mode' : capitalize(resource.kind);
  return new RegistryError(DENIED_CODE, `User is denied operation ${capitalize(operation)} on ${on}`);
}

const tooMany = (message: string) => new RegistryError(429, message);

/** What a request passed through: remembered for the audit of its outcome. */
interface Passed {
  principal: Principal;
  operation: string | null;
  resource: string | null;
}

export class Security {
  private readonly passed = new WeakMap<FastifyRequest, Passed>();
  private readonly failures: RateLimiter;
  private readonly requests: RateLimiter | undefined;
  private readonly authorizer: Authorizer | undefined;
  private readonly challenge: string;

  private constructor(
    private readonly config: SecurityConfig,
    /** For fastify's `https` option; undefined: plain HTTP. */
    readonly https: ServerOptions | undefined,
    private readonly basic: BasicAuthenticator | undefined,
    private readonly jwt: JwtAuthenticator | undefined,
    private readonly files: ReloadableFile<unknown>[],
    bindings: ReloadableFile<Binding[]> | undefined,
    private readonly audit: AuditLog | undefined,
  ) {
    this.failures = new RateLimiter(config.authFailureLimit / 60, config.authFailureLimit);
    this.requests = config.rateLimit > 0 ? new RateLimiter(config.rateLimit, config.rateLimitBurst ?? config.rateLimit) : undefined;
    this.authorizer = bindings && new Authorizer(() => bindings.current);
    const challenges = [];
    if (basic) challenges.push('Basic realm="schema-registry", charset="UTF-8"');
    if (jwt) challenges.push('Bearer realm="schema-registry"');
    this.challenge = challenges.join(', ');
  }

  /** Loads every configured file (a bad one fails the start-up with its error). */
  static async create(config: SecurityConfig, log: Logger): Promise<Security> {
    const methods = new Set(config.authMethods);
    const files: ReloadableFile<unknown>[] = [];
    let basicAuth: BasicAuthenticator | undefined;
    const listener = (then?: () => void): ReloadListener => ({
      reloaded: (path) => {
        then?.();
        log.info({ path }, 'security file reloaded');
      },
      failed: (path, err) => log.error({ path, err }, 'security file not reloaded; the previous version stays in force'),
    });
    try {
      if (methods.has('basic')) {
        if (!config.usersFile) throw new Error('basic authentication needs a users file (USERS_FILE)');
        const users = await ReloadableFile.open<Map<string, UserEntry>>(config.usersFile, loadUsers, listener(() => basicAuth?.reset()), config.reloadPollMs);
        files.push(users);
        basicAuth = new BasicAuthenticator(() => users.current);
      }
      let jwt: JwtAuthenticator | undefined;
      if (methods.has('bearer')) {
        if (!config.jwt) throw new Error('bearer authentication needs a JWT secret file, JWKS file or JWKS URL');
        jwt = await JwtAuthenticator.create(config.jwt, listener(), config.reloadPollMs);
      }
      if (methods.has('mtls') && (!config.tls || config.tls.clientAuth === 'none')) {
        throw new Error('mtls authentication needs TLS with client certificates (TLS_CLIENT_AUTH=request or required)');
      }
      let bindings: ReloadableFile<Binding[]> | undefined;
      if (config.bindingsFile) {
        if (methods.size === 0) throw new Error('a bindings file needs authentication (AUTH) to know who is calling');
        bindings = await ReloadableFile.open(config.bindingsFile, loadBindings, listener(), config.reloadPollMs);
        files.push(bindings);
      }
      const https = config.tls ? await httpsOptions(config.tls) : undefined;
      const audit = auditLog(config, log);
      return new Security(config, https, basicAuth, jwt, files, bindings, audit);
    } catch (e) {
      for (const f of files) f.close();
      throw e;
    }
  }

  private get authenticating(): boolean {
    return this.config.authMethods.length > 0;
  }

  /** Whether any hook is needed (TLS alone needs none). */
  private get active(): boolean {
    return this.authenticating || this.audit !== undefined || this.requests !== undefined;
  }

  install(app: FastifyInstance, registry: Registry): void {
    app.decorate('reloadSecurity', () => this.reload());
    app.addHook('onClose', () => this.close());
    if (!this.active) return;
    app.addHook('onRequest', async (req, reply) => {
      const access = req.routeOptions.config?.access ?? UNMATCHED;
      if (access.kind === 'public') return;
      const principal = await this.authenticate(req, reply);
      this.limit(req, reply, principal);
      await this.authorize(req, principal, access, registry);
    });
    if (this.audit) {
      const audit = this.audit;
      app.addHook('onResponse', async (req, reply) => {
        const passed = this.passed.get(req);
        if (!passed || !req.routeOptions.config?.mutates) return;
        const ok = reply.statusCode < 400;
        audit.record('change', { ...this.base(req, passed.principal), operation: passed.operation, resource: passed.resource, result: ok ? 'success' : 'failure', status: reply.statusCode });
      });
    }
  }

  /** Reloads the users, bindings and JWKS files now (SIGHUP). */
  async reload(): Promise<void> {
    await Promise.all([...this.files.map((f) => f.reload()), this.jwt?.reload()]);
  }

  async close(): Promise<void> {
    for (const f of this.files) f.close();
    this.jwt?.close();
    await this.audit?.close();
  }

  private base(req: FastifyRequest, principal: Principal | null): AuditData {
    return {
      principal: principal?.name ?? null,
      authMethod: principal?.method ?? null,
      operation: null,
      resource: null,
      result: 'success',
      clientAddress: req.ip,
      requestId: String(req.id),
      method: req.method,
      path: req.url.split('?', 1)[0]!,
      route: req.routeOptions.url ?? null,
    };
  }

  private record(type: AuditType, req: FastifyRequest, principal: Principal | null, data: Partial<AuditData>): void {
    this.audit?.record(type, { ...this.base(req, principal), ...data });
  }

  private async authenticate(req: FastifyRequest, reply: FastifyReply): Promise<Principal> {
    if (!this.authenticating) return ANONYMOUS;
    const address = req.ip;
    if (!this.failures.available(address)) {
      this.record('authentication', req, null, { result: 'failure', status: 429, reason: 'too many failed attempts from this address' });
      reply.header('retry-after', '60');
      throw tooMany('Too many failed authentication attempts; try again later');
    }
    try {
      const principal = await this.identify(req);
      this.record('authentication', req, principal, { result: 'success' });
      return principal;
    } catch (e) {
      if (!(e instanceof AuthenticationError)) throw e;
      if (e.kind === 'invalid') this.failures.take(address);
      this.record('authentication', req, null, { result: 'failure', status: 401, reason: e.message });
      if (this.challenge) reply.header('www-authenticate', this.challenge);
      throw new RegistryError(401, e.message);
    }
  }

  private async identify(req: FastifyRequest): Promise<Principal> {
    const header = req.headers.authorization;
    if (header) {
      const space = header.indexOf(' ');
      const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
      const credentials = space < 0 ? '' : header.slice(space + 1);
      if (scheme === 'basic' && this.basic) return this.basic.authenticate(credentials);
      if (scheme === 'bearer' && this.jwt) return this.jwt.authenticate(credentials);
      throw new AuthenticationError('invalid', 'Unauthorized: unsupported authentication scheme');
    }
    if (this.config.authMethods.includes('mtls')) {
      const principal = certificatePrincipal(req.raw);
      if (principal) return principal;
    }
    throw new AuthenticationError('missing', 'Unauthorized: authentication required');
  }

  private limit(req: FastifyRequest, reply: FastifyReply, principal: Principal): void {
    if (!this.requests) return;
    const key = principal.method === 'none' ? `address ${req.ip}` : `principal ${principal.name}`;
    const taken = this.requests.take(key);
    if (taken.ok) return;
    reply.header('retry-after', String(taken.retryAfterSeconds));
    throw tooMany('Too many requests; try again later');
  }

  private async authorize(req: FastifyRequest, principal: Principal, access: Access, registry: Registry): Promise<void> {
    // What the call does to what, named for the audit log whether or not bindings are configured.
    const requirement: Requirement | undefined = access.kind === 'resource' ? access.requirement(req) : undefined;
    const target = access.kind === 'schema' ? access.target(req) : undefined;
    const operation = requirement?.operation ?? (target ? 'read' : null);
    const resource = requirement ? describe(requirement.resource) : target ? describe(target) : null;
    const authorizer = this.authorizer;
    if (authorizer) {
      const scope = authorizer.readScope(principal);
      req.visibility = scope.visibility;
      if (requirement && !authorizer.allows(principal, requirement)) this.deny(req, principal, requirement.operation, requirement.resource);
      if (target && !scope.allSubjects && !(await this.holdersReadable(registry, target, scope.visibility))) this.deny(req, principal, 'read', target);
    }
    // Only what passed is audited again as a change when it is answered (a denial has its own event).
    this.passed.set(req, { principal, operation, resource });
  }

  /** A schema is readable when a subject holding it is; a schema that does not exist is left to the route (404). */
  private async holdersReadable(registry: Registry, target: SchemaTarget, visibility: Visibility | null): Promise<boolean> {
    if (!visibility) return true;
    const holders = 'id' in target ? await registry.reads.subjectsHoldingId(target.id, target.subject) : await registry.reads.subjectsHoldingGuid(target.guid);
    return holders === undefined || holders.some(visibility.subject);
  }

  private deny(req: FastifyRequest, principal: Principal, operation: string, resource: Resource | SchemaTarget): never {
    const err = denied(operation, resource);
    this.record('authorization', req, principal, { operation, resource: describe(resource), result: 'denied', status: 403, reason: err.message });
    throw err;
  }
}

/** The audit log of the configured sinks: a file or stdout, a Kafka topic, both, or none. */
function auditLog(config: SecurityConfig, log: Logger): AuditLog | undefined {
  const sinks: AuditSink[] = [];
  if (config.auditLog) sinks.push(auditSink(config.auditLog, (err) => log.error({ err }, 'audit log write failed')));
  if (config.auditKafka) {
    sinks.push(new KafkaAuditSink({ ...config.auditKafka, onError: (message, err) => (err ? log.error({ err }, message) : log.warn(message)) }));
  }
  if (sinks.length === 0) return undefined;
  return new AuditLog(sinks.length === 1 ? sinks[0]! : new TeeAuditSink(sinks));
}
