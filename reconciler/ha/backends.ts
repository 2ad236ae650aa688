// The store factory: the state store, the endpoint registry and the coordination of one process,
// from its store settings. `embedded`: files in the data dir, an in-memory registry, one replica that
// always leads. `etcd`: all three share one etcd connection and prefix.
import * as fs from 'node:fs';
import { EndpointRegistry } from '../registry/endpoint-registry';
import { EtcdEndpointRegistry } from '../registry/etcd-registry';
import { InstanceRegistry } from '../registry/instance-registry';
import { EtcdStateStore } from '../state/etcd-state-store';
import { FileStateStore } from '../state/file-state-store';
import { StateStore } from '../state/state-store';
import { Coordination, EtcdCoordination, SingleReplicaCoordination } from './coordination';
import { connectEtcd, EtcdConnection } from './etcd-connection';
import { EtcdProxyDirectory } from './etcd-proxy-directory';
import { LocalProxyDirectory, ProxyDirectory } from './proxy-directory';
import { StoreSettings } from './store-settings';

export interface Backends {
  readonly store: StateStore;
  readonly registry: InstanceRegistry;
  readonly coordination: Coordination;
  /** Connected proxies of this replica (embedded) or of every replica (etcd), for the sync status and drift. */
  readonly proxyDirectory: ProxyDirectory;
  /** Environments the state store holds an applied revision of (names; reading them may still fail). */
  storedEnvironments(): Promise<string[]>;
  /** Loads the shared registry (etcd; retried in the background while etcd is down). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface BackendOptions {
  /** The embedded store's directory. */
  stateDir: string;
  replicaId?: string;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  env?: NodeJS.ProcessEnv;
}

export function createBackends(settings: StoreSettings | undefined, options: BackendOptions): Backends {
  if (settings?.backend === 'etcd' && settings.etcd) return etcdBackends(connectEtcd(settings.etcd, options.env), options);
  const store = new FileStateStore(options.stateDir);
  return {
    store,
    registry: new EndpointRegistry(),
    coordination: new SingleReplicaCoordination(options.replicaId),
    proxyDirectory: new LocalProxyDirectory(),
    storedEnvironments: async () =>
      (await fs.promises.readdir(store.location, { withFileTypes: true }).catch(() => [])).filter((entry) => entry.isDirectory()).map((entry) => entry.name),
    start: async () => undefined,
    close: async () => undefined,
  };
}

function etcdBackends(connection: EtcdConnection, options: BackendOptions): Backends {
  const store = new EtcdStateStore(connection);
  const registry = new EtcdEndpointRegistry(connection, options.log);
  const coordination = new EtcdCoordination(connection, store, { replicaId: options.replicaId, log: options.log });
  const proxyDirectory = new EtcdProxyDirectory(connection, coordination);
  return {
    store,
    registry,
    coordination,
    proxyDirectory,
    storedEnvironments: () => store.environments(),
    start: () => registry.start(),
    close: async () => {
      await proxyDirectory.stop();
      await registry.stop();
      await store.close();
      connection.close();
    },
  };
}
