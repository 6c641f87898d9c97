/**
 * The principal of a client certificate: its subject in RFC 2253 order ("CN=alice,OU=team,O=Acme"), as
 * Kafka names TLS principals, so one bindings vocabulary serves both. Only a certificate that verified
 * against the configured CA counts (with TLS_CLIENT_AUTH=request, an unverified one is presented but not
 * trusted).
 */
import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import { AuthenticationError, type Principal } from './principal.js';

/** X509Certificate.subject lists one attribute per line, most significant (C) first; RFC 2253 reverses it. */
export function rfc2253(subject: string): string {
  return subject
    .split('\n')
    .filter((line) => line !== '')
    .reverse()
    .join(',');
}

/** The verified client certificate's principal, or undefined when the connection presented none. */
export function certificatePrincipal(raw: IncomingMessage): Principal | undefined {
  const socket = raw.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  const cert = socket.getPeerX509Certificate();
  if (!cert) return undefined;
  if (!socket.authorized) throw new AuthenticationError('invalid', 'Unauthorized: client certificate not trusted');
  return { name: rfc2253(cert.subject), groups: [], method: 'mtls' };
}
