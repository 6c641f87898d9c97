/**
 * HTTPS from a certificate and key file; optionally client certificates verified against a CA bundle
 * (`request`: asked for, and an untrusted one is refused when it is used to authenticate; `required`:
 * the TLS handshake fails without a trusted one).
 */
import { readFile } from 'node:fs/promises';
import type { ServerOptions } from 'node:https';

export const CLIENT_AUTH_MODES = ['none', 'request', 'required'] as const;
export type ClientAuth = (typeof CLIENT_AUTH_MODES)[number];

export interface TlsOptions {
  certFile: string;
  keyFile: string;
  /** CA bundle client certificates must chain to (needed unless clientAuth is `none`). */
  caFile?: string | undefined;
  clientAuth: ClientAuth;
}

export async function httpsOptions(tls: TlsOptions): Promise<ServerOptions> {
  const [cert, key] = await Promise.all([readFile(tls.certFile), readFile(tls.keyFile)]);
  if (tls.clientAuth === 'none') return { cert, key };
  if (!tls.caFile) throw new Error('client certificate authentication needs a CA file (TLS_CA)');
  const ca = await readFile(tls.caFile);
  return { cert, key, ca, requestCert: true, rejectUnauthorized: tls.clientAuth === 'required' };
}
