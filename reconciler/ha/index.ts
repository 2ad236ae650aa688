// High availability: store backends, etcd connection, leader election, replica membership.
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
export { followAppliedRevisions } from './follow-applied';
export { coordinationRoutes, registerCoordinationMetrics, fenceReporters, REPLICAS_PATH } from './coordination-api';
export { readRepositoryStoreSettings, resolveServeStore } from './repository-store-settings';
