/**
 * Shared by the security suites: a registry with security configured (buildApp over in-memory PGlite or a
 * fresh Postgres database, listening on a loopback port), HTTP(S) calls over real sockets with optional
 * client certificates, users files, X.509 certificates made in the test (node-forge signs, node:crypto
 * makes the keys), and signed tokens (jose).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import forge from 'node-forge';
import { buildApp, type AppOptions } from '../../registry/src/app.js';
import { hashPassword } from '../../registry/src/security/passwords.js';
import { SECURITY_DEFAULTS, type SecurityConfig } from '../../registry/src/security/options.js';
import { createStore, type Store } from '../../registry/src/store/index.js';
import { storeOptions, type Backend } from '../helpers/live-registry.js';
import { freshDatabase } from '../helpers/postgres.js';

export const SR_JSON = 'application/vnd.schemaregistry.v1+json';

/** A scratch directory removed by `cleanup()`. */
export function scratchDir(label: string): { dir: string; file(name: string, content: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `schemata-${label}-`));
  return {
    dir,
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface SecureRegistry {
  url: string;
  app: FastifyInstance;
  store: Store;
  close(): Promise<void>;
}

/** A registry with `security` (over SECURITY_DEFAULTS) on a loopback port; https when TLS is configured. The Kafka backend uses a fresh topic. */
export async function startSecureRegistry(
  backend: Backend,
  security: Partial<SecurityConfig>,
  options: Omit<AppOptions, 'store' | 'ownsStore' | 'security'> = {},
): Promise<SecureRegistry> {
  const db = backend === 'postgres' ? await freshDatabase('security') : undefined;
  const store = await createStore(storeOptions(backend, 'security', db?.url));
  let app: FastifyInstance;
  try {
    app = await buildApp({ store, ownsStore: true, schemaWork: { threads: 0 }, ...options, security: { ...SECURITY_DEFAULTS, ...security } });
  } catch (e) {
    await store.close().catch(() => {});
    await db?.drop().catch(() => {});
    throw e;
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // Kafka: a one-member election makes this process the primary.
  const url = `${security.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  await store.replication?.join(url);
  return {
    url,
    app,
    store,
    async close() {
      await app.close();
      await db?.drop();
    },
  };
}

export interface CallOptions {
  body?: unknown;
  /** Sent as is (no JSON encoding). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /** HTTPS: the CA to trust, and a client certificate to present. */
  tls?: { ca?: string; cert?: string; key?: string };
}

export interface CallResult {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Parsed JSON, or undefined. */
  json: any;
}

/** One request over a real socket (node:http / node:https), with Confluent's content type for bodies. */
export function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const url = new URL(base + path);
  const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { accept: SR_JSON, ...options.headers };
  if (payload !== undefined) {
    headers['content-type'] ??= SR_JSON;
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(
      url,
      { method, headers, agent: false, ...(secure ? { ca: options.tls?.ca, cert: options.tls?.cert, key: options.tls?.key } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Test users get a cheap scrypt cost (2^10): the same hash format, verified by the same code, faster. */
export const TEST_COST = { ln: 10, r: 8, p: 1 };

/** A users file with these users (name → password, groups). */
export async function usersFile(path: string, users: Record<string, { password: string; groups?: string[] }>): Promise<string> {
  const doc: Record<string, { password: string; groups?: string[] }> = {};
  for (const [name, u] of Object.entries(users)) doc[name] = { password: await hashPassword(u.password, TEST_COST), ...(u.groups ? { groups: u.groups } : {}) };
  writeFileSync(path, JSON.stringify({ users: doc }));
  return path;
}

// ---- certificates ---------------------------------------------------------------------------------

export interface KeyAndCert {
  key: string;
  cert: string;
}

function rsaKeys(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

type Attributes = { name?: string; shortName?: string; value: string }[];

function signCertificate(subject: Attributes, issuer: Attributes, publicPem: string, signerPem: string, extensions: object[]): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions(extensions);
  cert.sign(forge.pki.privateKeyFromPem(signerPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

export interface CertificateAuthority extends KeyAndCert {
  /** A certificate for `commonName` signed by this CA: a server one (with 127.0.0.1/localhost) or a client one. */
  issue(commonName: string, kind: 'server' | 'client', extra?: Attributes): KeyAndCert;
}

export function certificateAuthority(name: string): CertificateAuthority {
  const caKeys = rsaKeys();
  const caSubject: Attributes = [
    { shortName: 'O', value: 'Schemata Tests' },
    { shortName: 'CN', value: name },
  ];
  const caCert = signCertificate(caSubject, caSubject, caKeys.publicPem, caKeys.privatePem, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  return {
    key: caKeys.privatePem,
    cert: caCert,
    issue(commonName, kind, extra = []) {
      const keys = rsaKeys();
      const subject: Attributes = [{ shortName: 'C', value: 'NL' }, { shortName: 'O', value: 'Acme' }, ...extra, { shortName: 'CN', value: commonName }];
      const extensions: object[] = [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        kind === 'server' ? { name: 'extKeyUsage', serverAuth: true } : { name: 'extKeyUsage', clientAuth: true },
      ];
      if (kind === 'server') extensions.push({ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] });
      return { key: keys.privatePem, cert: signCertificate(subject, caSubject, keys.publicPem, caKeys.privatePem, extensions) };
    },
  };
}

// ---- Prometheus text ----------------------------------------------------------------------------

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (sample lines; comments checked for HELP/TYPE shape). */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (!/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) throw new Error(`bad comment line: ${line}`);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`bad sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    // Go's ParseFloat (Prometheus' parser) takes NaN in any case; prom-client writes `Nan`.
    if (Number.isNaN(value) && !/^nan$/i.test(m[3]!)) throw new Error(`bad value: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return samples;
}

/** The value of the sample with this name and (at least) these labels. */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
