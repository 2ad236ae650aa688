// High availability: store backends, etcd connection, leader election, replica membership, proxies of every replica.
export * from './errors';
export * from './store-settings';
export { connectEtcd, etcdClientOptions, ETCD_ATTEMPT_TIMEOUT_MS, ETCD_CALL_TIMEOUT_MS } from './etcd-connection';
export type { EtcdConnection } from './etcd-connection';
export { LeaderElection, ELECTION_NAME } from './leader-election';
export type { Fence } from './leader-election';
export { ReplicaMembership } from './replica-membership';
export type { ReplicaInfo } from './replica-membership';
export { SingleReplicaCoordination, EtcdCoordination, newReplicaId } from './coordination';
export type { Coordination, CoordinationStatus, StoreHealth } from './coordination';
export { createBackends } from './backends';
export type { Backends, BackendOptions } from './backends';
export { LocalProxyDirectory, localProxies, xdsLocalProxies } from './proxy-directory';
export type { LocalProxies, ProxyDirectory, ProxySummary, ProxyTypeSummary } from './proxy-directory';
export { EtcdProxyDirectory, MIN_WRITE_INTERVAL_MS, PROXIES_PREFIX, summarize } from './etcd-proxy-directory';
export type { MembershipLease, ReplicaProxies } from './etcd-proxy-directory';
export { followAppliedRevisions } from './follow-applied';
export { coordinationRoutes, registerCoordinationMetrics, fenceReporters, REPLICAS_PATH } from './coordination-api';
