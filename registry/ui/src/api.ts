/**
 * The registry's public REST API, called from the page exactly as any client calls it (same origin, the
 * user's credentials). Errors carry Confluent's `error_code` and message. A 401 tells the app to ask
 * for credentials (`onUnauthorized`).
 */
import { authorizationHeader, loadCredentials } from './auth';
// The REST API's JSON entities as the registry and the SDK define them (types only: nothing of serdes is bundled).
import type { SchemaById, SchemaReference, SchemaType, SchemaVersion } from '../../../serdes/src/api/types.js';

export type { SchemaById, SchemaReference, SchemaType, SchemaVersion };

export const SR_JSON = 'application/vnd.schemaregistry.v1+json';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** The registry's root: the page is served at `<root>ui/`. */
export const API_ROOT = location.pathname.replace(/ui\/[^/]*$/, '');

let unauthorized: (message: string) => void = () => {};
export function onUnauthorized(listener: (message: string) => void): void {
  unauthorized = listener;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: `${SR_JSON}, application/json`, 'X-Requested-With': 'XMLHttpRequest' };
  const authorization = authorizationHeader(loadCredentials());
  if (authorization) headers.Authorization = authorization;
  if (body !== undefined) headers['Content-Type'] = SR_JSON;
  let res: Response;
  try {
    res = await fetch(API_ROOT + path.replace(/^\//, ''), {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (e) {
    throw new ApiError(0, 0, `The registry could not be reached (${e instanceof Error ? e.message : String(e)})`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const err = json as { error_code?: number; message?: string } | undefined;
    const error = new ApiError(res.status, err?.error_code ?? res.status, err?.message ?? (text || res.statusText));
    if (res.status === 401) unauthorized(error.message);
    throw error;
  }
  return json as T;
}

/** A path segment: subjects may hold any character. */
export const seg = (s: string | number) => encodeURIComponent(String(s));

export interface CompatibilityResult {
  is_compatible: boolean;
  messages?: string[];
}

export const LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;
export const MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'] as const;

export const typeOf = (s: { schemaType?: SchemaType | undefined }): SchemaType => s.schemaType ?? 'AVRO';

/**
 * A subject's setting in force and the one it would inherit (its context's, else the registry's). The API
 * has no "is it set here?" read without a 404 for "no", so a subject whose setting equals the inherited
 * one counts as inheriting it; `parent` is undefined when the caller may not read the context's setting.
 */
export interface Setting {
  effective: string;
  parent: string | undefined;
}

const parentScope = (subject: string) => `:${contextOf(subject)}:`;

async function subjectSetting(kind: 'config' | 'mode', subject: string, fallback: string): Promise<Setting> {
  const read = (scope: string) => api<Record<string, string | undefined>>('GET', `${kind}/${seg(scope)}?defaultToGlobal=true`);
  const field = kind === 'config' ? 'compatibilityLevel' : 'mode';
  const [effective, parent] = await Promise.all([read(subject), read(parentScope(subject)).catch(() => undefined)]);
  return { effective: effective[field] ?? fallback, parent: parent?.[field] };
}

export const subjectLevel = (subject: string) => subjectSetting('config', subject, 'BACKWARD');
export const subjectMode = (subject: string) => subjectSetting('mode', subject, 'READWRITE');

export const isReadOnly = (mode: string | undefined) => mode === 'READONLY' || mode === 'READONLY_OVERRIDE';

/** `:.ctx:name` → `.ctx`; an unqualified subject is in the default context `.`. */
export function contextOf(subject: string): string {
  const m = /^:(\.[^:]*):/.exec(subject);
  return m ? m[1]! : '.';
}
