// The xDS management server and what the daemon mounts from it.
export { XdsServer, detectFlavour } from './xds-server';
export type { XdsServerOptions, StreamEvent } from './xds-server';
export { MemorySnapshotSource } from './snapshot-source';
export type { SnapshotSource } from './snapshot-source';
export { TranslatedSnapshotSource } from './translated-source';
export type { ObservableEndpointSource } from './translated-source';
export { TokenAuthenticator, CertificateAuthenticator } from './proxy-auth';
export type { ProxyAuthenticator } from './proxy-auth';
export { parseNodeId, shortNodeId } from './proxy-identity';
export type { ProxyStatus, TypeStatus } from './proxy-session';
export { proxiesRoutes, PROXIES_PATH } from './proxies-api';
export { envoyBootstrap, grpcBootstrap } from './bootstrap';
export { versionOf } from './versions';
