/**
 * The users file for HTTP Basic authentication, JSON:
 *
 *   { "users": { "alice": { "password": "$scrypt$ln=16,r=8,p=1$…$…", "groups": ["platform"] } } }
 *
 * Passwords are scrypt hashes only (passwords.ts); a file holding anything else is refused whole, so a
 * plain password never works. `schema-registry user add` writes it (atomically, mode 0600).
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseHash, type ScryptHash } from './passwords.js';

export interface UserEntry {
  hash: ScryptHash;
  groups: string[];
}

/** What the file holds as written: kept to rewrite it with other users unchanged. */
interface UsersDocument {
  users: Record<string, { password: string; groups?: string[] }>;
}

export class UsersFileError extends Error {
  override readonly name = 'UsersFileError';
}

// No ':' (Basic credentials split at the first one) and no control characters.
// eslint-disable-next-line no-control-regex
const VALID_NAME = /^[^:\u0000-\u001f\u007f]{1,256}$/;

export function isValidUserName(name: string): boolean {
  return VALID_NAME.test(name) && name !== '__proto__';
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((g) => typeof g === 'string');

function parseDocument(text: string, path: string): UsersDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsersFileError(`${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const users = (raw as { users?: unknown } | null)?.users;
  if (typeof users !== 'object' || users === null || Array.isArray(users)) throw new UsersFileError(`${path}: expected {"users": {"name": {"password": "$scrypt$…"}}}`);
  for (const [name, entry] of Object.entries(users)) {
    const e = entry as { password?: unknown; groups?: unknown } | null;
    if (!isValidUserName(name)) throw new UsersFileError(`${path}: invalid user name ${JSON.stringify(name)}`);
    if (typeof e?.password !== 'string' || !parseHash(e.password)) {
      throw new UsersFileError(`${path}: user ${JSON.stringify(name)}: "password" must be an scrypt hash (add users with: schema-registry user add)`);
    }
    if (e.groups !== undefined && !isStringArray(e.groups)) throw new UsersFileError(`${path}: user ${JSON.stringify(name)}: "groups" must be a list of strings`);
  }
  return raw as UsersDocument;
}

/** Reads and validates the users file. */
export async function loadUsers(path: string): Promise<Map<string, UserEntry>> {
  const doc = parseDocument(await readFile(path, 'utf8'), path);
  const users = new Map<string, UserEntry>();
  for (const [name, entry] of Object.entries(doc.users)) users.set(name, { hash: parseHash(entry.password)!, groups: entry.groups ?? [] });
  return users;
}

async function readDocument(path: string): Promise<UsersDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { users: {} };
    throw e;
  }
  return parseDocument(text, path);
}

/** Writes through a temporary file and a rename, so a reader (the server's reload) never sees half a file. */
async function writeDocument(path: string, doc: UsersDocument): Promise<void> {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(tmp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/** Adds the user, or replaces its hash and groups; creates the file when absent. True when it was new. */
export async function putUser(path: string, name: string, passwordHash: string, groups: readonly string[]): Promise<boolean> {
  if (!isValidUserName(name)) throw new UsersFileError(`invalid user name ${JSON.stringify(name)} (1-256 characters, no ':' and no control characters)`);
  const doc = await readDocument(path);
  const isNew = !Object.hasOwn(doc.users, name);
  doc.users[name] = groups.length > 0 ? { password: passwordHash, groups: [...groups] } : { password: passwordHash };
  await writeDocument(path, doc);
  return isNew;
}

/** Removes the user; false when there was none. */
export async function removeUser(path: string, name: string): Promise<boolean> {
  const doc = await readDocument(path);
  if (!Object.hasOwn(doc.users, name)) return false;
  delete doc.users[name];
  await writeDocument(path, doc);
  return true;
}
