/**
 * HTTP transport of the registry client: global `fetch`, several base URLs with failover, per-request
 * timeout, retries with exponential backoff and full jitter on 5xx and network errors only.
 */
import { RegistryError } from './errors.js';

export const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
export const ACCEPT = 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json';
const USER_AGENT = 'schemata-serdes/0.1.0';

/** A bearer token, or a function that returns the current one (called before every request; cache inside it). */
export type BearerToken = string | (() => string | Promise<string>);

export interface TransportOptions {
  /** One or more base URLs; `http://user:pass@host:8081` carries basic-auth credentials for that URL. */
  baseUrls: string | readonly string[];
  /** Basic auth: `"user:pass"` or `{ username, password }`. Credentials in a URL win for that URL. */
  basicAuth?: string | { username: string; password: string };
  /** Bearer auth (static token or provider). Cannot be combined with basic auth. */
  bearerToken?: BearerToken;
  /** Extra headers on every request. */
  headers?: Readonly<Record<string, string>>;
  /** Per-request timeout in ms (default 10 000). A timed-out request counts as a network error. */
  timeoutMs?: number;
  /** Retry rounds after the first one, each round trying every URL (default 3). */
  maxRetries?: number;
  /** First backoff in ms before a retry round (default 100); doubles each round, with full jitter. */
  retryBackoffMs?: number;
  /** Upper bound of a backoff in ms (default 5 000). */
  retryMaxBackoffMs?: number;
}

interface Endpoint {
  base: string;
  authorization?: string;
}

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function parseEndpoint(raw: string, defaultAuth: string | undefined): Endpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`invalid registry URL ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`registry URL ${JSON.stringify(raw)} must use http: or https:`);
  }
  let authorization = defaultAuth;
  if (url.username || url.password) {
    // fetch refuses URLs with credentials: move them to the Authorization header.
    authorization = basicHeader(decodeURIComponent(url.username), decodeURIComponent(url.password));
    url.username = '';
    url.password = '';
  }
  const base = url.toString().replace(/\/+$/, '');
  return authorization === undefined ? { base } : { base, authorization };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describeNetworkError(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  if (cause?.message) return cause.message;
  return err?.message ?? String(e);
}

export interface RequestOptions {
  body?: unknown;
  query?: Readonly<Record<string, string | number | boolean | undefined>>;
}

export class HttpTransport {
  private readonly endpoints: Endpoint[];
  private readonly bearer: BearerToken | undefined;
  private readonly extraHeaders: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  /** Index of the URL that answered last; requests start there. */
  private preferred = 0;

  constructor(options: TransportOptions) {
    const urls = typeof options.baseUrls === 'string' ? options.baseUrls.split(',') : [...options.baseUrls];
    const cleaned = urls.map((u) => u.trim()).filter((u) => u !== '');
    if (cleaned.length === 0) throw new TypeError('the registry client needs at least one base URL');
    if (options.basicAuth !== undefined && options.bearerToken !== undefined) {
      throw new TypeError('basicAuth and bearerToken cannot be used together');
    }
    let defaultAuth: string | undefined;
    if (typeof options.basicAuth === 'string') {
      const colon = options.basicAuth.indexOf(':');
      if (colon < 0) throw new TypeError('basicAuth must be "user:pass"');
      defaultAuth = basicHeader(options.basicAuth.slice(0, colon), options.basicAuth.slice(colon + 1));
    } else if (options.basicAuth) {
      defaultAuth = basicHeader(options.basicAuth.username, options.basicAuth.password);
    }
    this.endpoints = cleaned.map((u) => parseEndpoint(u, defaultAuth));
    this.bearer = options.bearerToken;
    this.extraHeaders = options.headers ?? {};
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRetries = Math.max(0, options.maxRetries ?? 3);
    this.backoffMs = Math.max(0, options.retryBackoffMs ?? 100);
    this.maxBackoffMs = Math.max(this.backoffMs, options.retryMaxBackoffMs ?? 5_000);
  }

  /** The base URLs, without credentials. */
  get baseUrls(): string[] {
    return this.endpoints.map((e) => e.base);
  }

  /**
   * Sends one logical request: every URL is tried in turn (starting with the last one that answered) while
   * the failures are retryable (no response, or a 5xx); then the round is repeated after a backoff, up to
   * `maxRetries` times. A 4xx answer is final at once.
   */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    let pathAndQuery = path;
    if (options.query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(options.query)) if (v !== undefined) params.append(k, String(v));
      const qs = params.toString();
      if (qs) pathAndQuery += `?${qs}`;
    }
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const n = this.endpoints.length;
    let last: RegistryError | undefined;
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      if (attempt > 0) {
        const cap = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (attempt - 1));
        await sleep(Math.random() * cap);
      }
      const start = this.preferred;
      for (let k = 0; k < n; k++) {
        const idx = (start + k) % n;
        try {
          const result = await this.once<T>(this.endpoints[idx]!, method, pathAndQuery, body);
          this.preferred = idx;
          return result;
        } catch (e) {
          if (!(e instanceof RegistryError) || !e.retryable) throw e;
          last = e;
        }
      }
    }
    const tries = (this.maxRetries + 1) * n;
    throw new RegistryError(
      `${last!.message} (gave up after ${tries} attempt${tries === 1 ? '' : 's'})`,
      last!.status,
      last!.errorCode,
      last!.request,
      { cause: last },
    );
  }

  private async once<T>(endpoint: Endpoint, method: string, pathAndQuery: string, body: string | undefined): Promise<T> {
    const url = endpoint.base + pathAndQuery;
    const request = `${method} ${url}`;
    const headers: Record<string, string> = {
      Accept: ACCEPT,
      'User-Agent': USER_AGENT,
      ...this.extraHeaders,
    };
    if (body !== undefined) headers['Content-Type'] = CONTENT_TYPE;
    if (this.bearer !== undefined) {
      const token = typeof this.bearer === 'string' ? this.bearer : await this.bearer();
      headers.Authorization = `Bearer ${token}`;
    } else if (endpoint.authorization !== undefined) {
      headers.Authorization = endpoint.authorization;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let status: number;
    let text: string;
    try {
      const init: RequestInit = { method, headers, signal: controller.signal };
      if (body !== undefined) init.body = body;
      const res = await fetch(url, init);
      status = res.status;
      text = await res.text();
    } catch (e) {
      if (controller.signal.aborted) {
        throw new RegistryError(`${request} timed out after ${this.timeoutMs} ms`, 0, -1, request, { cause: e });
      }
      throw new RegistryError(`${request} failed: ${describeNetworkError(e)}`, 0, -1, request, { cause: e });
    } finally {
      clearTimeout(timer);
    }
    let parsed: unknown;
    let parseError: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        parseError = e;
      }
    }
    if (status >= 200 && status < 300) {
      if (parseError !== undefined) {
        throw new RegistryError(`${request} answered ${status} with a body that is not JSON: ${text.slice(0, 200)}`, status, -1, request, {
          cause: parseError,
        });
      }
      return parsed as T;
    }
    const errBody = parsed as { error_code?: unknown; message?: unknown } | undefined;
    const code = typeof errBody?.error_code === 'number' ? errBody.error_code : -1;
    const message =
      typeof errBody?.message === 'string' && errBody.message !== ''
        ? errBody.message
        : `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
    throw new RegistryError(message, status, code, request);
  }
}
