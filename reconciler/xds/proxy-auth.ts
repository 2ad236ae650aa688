// Proxy authorization (App Mesh's appmesh:StreamAggregatedResources check): a proxy proves it may
// stream an identity with a bearer token bound to that identity, or a client certificate naming it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { ProxyIdentity, proxyKey } from '../../provider/envoy/snapshot';
import { xdsErrors } from './errors';
import type { CallMetadata } from './grpc/grpc-call';
import { parseNodeId } from './proxy-identity';

export interface StreamCredentials {
  metadata: CallMetadata;
  /** The verified client certificate on an mTLS connection. */
  peerCertificate?: PeerCertificate;
}

export interface ProxyAuthenticator {
  /** Throws XdsStreamError (UNAUTHENTICATED or PERMISSION_DENIED) unless the stream may act as `proxy`. */
  authenticate(nodeId: string, proxy: ProxyIdentity, credentials: StreamCredentials): void;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** `authorization: Bearer <token>` checked against the token configured for the proxy's identity. */
export class TokenAuthenticator implements ProxyAuthenticator {
  /** @param tokenFor the token bound to a proxyKey (`VirtualNode/apps/serviceA`), if any. */
  constructor(private readonly tokenFor: (key: string) => string | undefined) {}

  authenticate(nodeId: string, proxy: ProxyIdentity, { metadata }: StreamCredentials): void {
    const header = metadata.get('authorization')[0];
    const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    if (!match) throw xdsErrors.missingCredential();
    const expected = this.tokenFor(proxyKey(proxy));
    // Compare digests in constant time; an identity without a token accepts none.
    if (expected === undefined || !timingSafeEqual(digest(match[1]), digest(expected))) throw xdsErrors.wrongToken(nodeId);
  }
}

/** mTLS: a subject alternative name (URI or DNS) of the client certificate must name the proxy. */
export class CertificateAuthenticator implements ProxyAuthenticator {
  authenticate(nodeId: string, proxy: ProxyIdentity, { peerCertificate }: StreamCredentials): void {
    if (!peerCertificate || Object.keys(peerCertificate).length === 0) throw xdsErrors.noClientCertificate();
    const names = subjectAltNames(peerCertificate);
    const key = proxyKey(proxy);
    if (!names.some((name) => identityKeyOfName(name) === key)) throw xdsErrors.certificateNotForIdentity(nodeId, names.join(', '));
  }
}

function subjectAltNames(certificate: PeerCertificate): string[] {
  return (certificate.subjectaltname ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('URI:') || entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4));
}

/** A SAN names a proxy as its ARN, its short form, or a URI ending in the short form (SPIFFE). */
function identityKeyOfName(name: string): string | undefined {
  const candidates = [name];
  const at = name.indexOf('/mesh/');
  if (at >= 0) candidates.push(name.slice(at + 1));
  for (const candidate of candidates) {
    try {
      return proxyKey(parseNodeId(candidate).proxy);
    } catch {
      // not an identity; try the next form
    }
  }
  return undefined;
}
