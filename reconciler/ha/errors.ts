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

/** Problems of the --store / --etcd-* flags. */
export const storeSettingMessages = {
  badEndpoint: (value: unknown) =>
    `etcd endpoint ${JSON.stringify(value)} is not a URL such as http://10.0.0.5:2379 or https://etcd-0.internal:2379 (https with store.etcd.tls)`,
  badPrefix: (value: unknown) => `store.etcd.prefix ${JSON.stringify(value)} must be a non-empty key prefix ending in "/", e.g. /meshplane/`,
  badTtl: (value: unknown) => `store.etcd.leaseTtl ${JSON.stringify(value)} must be a whole number of seconds from 2 to 300`,
};

export const etcdSetupErrors = {
  unreadableTlsFile: (what: string, file: string, cause: unknown) =>
    new HaError(`cannot read the etcd TLS ${what} ${file} (${cause instanceof Error ? cause.message : String(cause)}); fix store.etcd.tls.${what} or --etcd-${what}`),
  missingAuthVariable: (variable: string, what: string) =>
    new HaError(`the etcd ${what} is read from the environment variable ${variable}, which is not set; export ${variable}=… before starting meshplane`),
};
