/**
 * The credentials the page sends with its API calls, kept in sessionStorage (this tab only, gone when it
 * closes). Basic (user name and password, as in the users file) or a bearer token (a JWT). With client
 * certificates (mTLS) the browser presents the certificate itself and nothing is stored here.
 */
export type Credentials = { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string };

const KEY = 'schemata.credentials';

export function loadCredentials(): Credentials | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Credentials) : undefined;
  } catch {
    return undefined;
  }
}

export function saveCredentials(credentials: Credentials | undefined): void {
  if (credentials) sessionStorage.setItem(KEY, JSON.stringify(credentials));
  else sessionStorage.removeItem(KEY);
}

function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function authorizationHeader(credentials: Credentials | undefined): string | undefined {
  if (!credentials) return undefined;
  return credentials.kind === 'basic' ? `Basic ${base64Utf8(`${credentials.user}:${credentials.password}`)}` : `Bearer ${credentials.token}`;
}

export function describeCredentials(credentials: Credentials | undefined): string | undefined {
  if (!credentials) return undefined;
  return credentials.kind === 'basic' ? credentials.user : 'bearer token';
}
