// Errors of high availability (store backends, etcd, leadership): what happened, why, and the fix.
export class HaError extends Error {
  override readonly name: string = 'HaError';
}

/** A write refused because this replica is not (or no longer) the leader. */
export class NotLeaderError extends HaError {
  override readonly name = 'NotLeaderError';
  constructor(what: string, why: string) {
    super(
      `${what} was not written: this replica is not the leader (${why}). Only the elected leader writes; ` +
        'the leader replica reconciles this commit, and this replica serves what it applies.',
    );
  }
}

/** etcd refused a write because the leader key it was fenced with is gone or was re-created. */
export class FencedWriteError extends HaError {
  override readonly name = 'FencedWriteError';
  constructor(what: string) {
    super(
      `${what} was refused by etcd: this replica's leadership lease expired (partition or pause) and another replica may lead now. ` +
        'Nothing was written; the current leader reconciles the commit again.',
    );
  }
}

export class EtcdUnavailableError extends HaError {
  override readonly name = 'EtcdUnavailableError';
  constructor(endpoints: readonly string[], operation: string, cause: unknown) {
    super(
      `etcd at ${endpoints.join(', ')} did not answer ${operation} (${cause instanceof Error ? cause.message : String(cause)}). ` +
        'Replicas keep serving the last configuration; check that a majority of etcd members is running and reachable.',
    );
  }
}

/** Problems of the `store` section of environment.yaml and of the --store / --etcd-* flags. */
export const storeSettingMessages = {
  notMapping: () => 'store must be a mapping, e.g. store: {backend: etcd, etcd: {endpoints: [http://10.0.0.5:2379]}}',
  unknownKey: (where: string, key: string, known: readonly string[]) => `unknown ${where} setting "${key}"; known: ${known.join(', ')}`,
  badBackend: (value: unknown) => `store.backend ${JSON.stringify(value)} is not a backend; use embedded (files in the state dir, the default) or etcd`,
  etcdWithoutEndpoints: () =>
    'store.backend is etcd but no etcd endpoints are given; add store.etcd.endpoints: [http://127.0.0.1:2379] (or --etcd-endpoints)',
  badEndpoint: (value: unknown) =>
    `etcd endpoint ${JSON.stringify(value)} is not a URL such as http://10.0.0.5:2379 or https://etcd-0.internal:2379 (https with store.etcd.tls)`,
  endpointsNotList: () => 'store.etcd.endpoints must be a list of URLs, e.g. [http://10.0.0.5:2379, http://10.0.0.6:2379]',
  notString: (pointer: string) => `${pointer} must be a string`,
  badPrefix: (value: unknown) => `store.etcd.prefix ${JSON.stringify(value)} must be a non-empty key prefix ending in "/", e.g. /meshplane/`,
  badTtl: (value: unknown) => `store.etcd.leaseTtl ${JSON.stringify(value)} must be a whole number of seconds from 2 to 300`,
  keyWithoutCert: () => 'store.etcd.tls needs cert and key together (client certificate authentication), or neither',
  authIncomplete: () => 'store.etcd.auth needs userEnv and passwordEnv: the names of environment variables holding the etcd user and password',
  backendsDiffer: (a: string, b: string) =>
    `environments ${a} and ${b} ask for different state stores; one meshplane serve process uses one store: make their store sections equal, or pass --store`,
};

export const etcdSetupErrors = {
  unreadableTlsFile: (what: string, file: string, cause: unknown) =>
    new HaError(`cannot read the etcd TLS ${what} ${file} (${cause instanceof Error ? cause.message : String(cause)}); fix store.etcd.tls.${what} or --etcd-${what}`),
  missingAuthVariable: (variable: string, what: string) =>
    new HaError(`the etcd ${what} is read from the environment variable ${variable}, which is not set; export ${variable}=… before starting meshplane`),
};
