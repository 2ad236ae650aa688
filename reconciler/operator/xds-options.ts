// The xDS server's options: authentication, TLS and limits from the operator's `xds` section;
// the per-identity proxy limit and the ARN scope from the served environment (mesh-level).
import * as fs from 'node:fs';
import { proxyKey } from '../../provider/envoy/snapshot';
import { EnvironmentConfig, MeshXdsSettings } from '../../provider/environment/environment-config';
import { DEFAULT_KEEPALIVE } from '../xds/grpc/keepalive';
import { CertificateAuthenticator, ProxyAuthenticator, TokenAuthenticator } from '../xds/proxy-auth';
import { parseNodeId } from '../xds/proxy-identity';
import { XdsServerOptions } from '../xds/xds-server';
import { XdsOperatorSettings } from './operator-config';
import { SecretSource } from './secret-source';

/** What an environment says about xDS: its proxy limit, and the account/region of full-ARN node ids. */
export interface XdsEnvironment {
  config: EnvironmentConfig;
  proxyLimit: MeshXdsSettings['proxyLimit'];
}

/**
 * Token secrets are taken from their SecretSource's cache when a proxy connects (never a read on the
 * connect path); a rotated file is picked up within seconds. An identity whose secret was never
 * readable accepts no token.
 */
export function xdsServerOptions(
  xds: XdsOperatorSettings,
  secret: (ref: XdsOperatorSettings['auth']['tokens'][string]) => SecretSource,
  environment: XdsEnvironment | undefined,
  base: Pick<XdsServerOptions, 'source' | 'warn'>,
): XdsServerOptions {
  let authenticator: ProxyAuthenticator | undefined;
  if (xds.auth.mode === 'token') {
    const tokens = new Map(Object.entries(xds.auth.tokens).map(([nodeId, ref]) => [proxyKey(parseNodeId(nodeId).proxy), secret(ref)]));
    authenticator = new TokenAuthenticator((key) => tokens.get(key)?.current());
  } else if (xds.auth.mode === 'mtls') {
    authenticator = new CertificateAuthenticator();
  }
  const tls = xds.tls;
  // Read once at start: the operator's own files, not a per-connect read.
  const serverTls = tls && {
    certificate: fs.readFileSync(tls.certificate),
    privateKey: fs.readFileSync(tls.privateKey),
    clientCa: tls.clientCa ? fs.readFileSync(tls.clientCa) : undefined,
    requireClientCertificate: xds.auth.mode === 'mtls',
  };
  const { limits } = xds;
  const config = environment?.config;
  const limit = environment?.proxyLimit;
  return {
    ...base,
    authenticator,
    tls: serverTls,
    arnScope: config && { partition: config.partition, region: config.region, account: config.account },
    proxyLimit:
      limit === 'quota' && config
        ? (proxy) => (proxy.kind === 'VirtualNode' ? config.quotas.envoysPerVirtualNode : config.quotas.envoysPerVirtualGateway)
        : limit === 'quota'
          ? undefined
          : limit,
    maxProxies: limits.maxProxies ?? 50_000,
    maxConnections: limits.maxConnections,
    limits: {
      maxSubscriptionsPerStream: limits.maxSubscriptionsPerStream,
      nacksPerMinute: limits.nacksPerMinute,
      idleTimeoutMs: limits.idleTimeoutSeconds === undefined ? undefined : Math.round(limits.idleTimeoutSeconds * 1000),
    },
    maxMessageBytes: limits.maxMessageBytes,
    maxConcurrentStreams: limits.maxConcurrentStreams ?? 100,
    keepalive: {
      timeMs: limits.keepalive?.timeSeconds === undefined ? DEFAULT_KEEPALIVE.timeMs : Math.round(limits.keepalive.timeSeconds * 1000),
      timeoutMs: limits.keepalive?.timeoutSeconds === undefined ? DEFAULT_KEEPALIVE.timeoutMs : Math.round(limits.keepalive.timeoutSeconds * 1000),
    },
  };
}
