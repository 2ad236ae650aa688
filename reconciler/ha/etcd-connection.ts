// One etcd client per process, scoped to the configured key prefix. Unary calls get a deadline so
// an unreachable cluster fails a request in seconds instead of hanging a reconcile; watches and
// lease keep-alives are streams and reconnect on their own.
import * as fs from 'node:fs';
import { Etcd3, IOptions, Namespace } from 'etcd3';
import { etcdSetupErrors } from './errors';
import { EtcdSettings } from './store-settings';

export const ETCD_CALL_TIMEOUT_MS = 5_000;

export interface EtcdConnection {
  readonly client: Etcd3;
  /** Every key meshplane reads or writes, under settings.prefix. */
  readonly namespace: Namespace;
  readonly endpoints: readonly string[];
  readonly settings: EtcdSettings;
  close(): void;
}

export function etcdClientOptions(settings: EtcdSettings, env: NodeJS.ProcessEnv = process.env, callTimeoutMs = ETCD_CALL_TIMEOUT_MS): IOptions {
  const options: IOptions = {
    hosts: settings.endpoints,
    dialTimeout: callTimeoutMs,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    // Keep retrying a member that came back; the default breaker would shun it for a long time.
    grpcOptions: { 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': 5_000 },
  };
  const tls = settings.tls;
  if (tls?.ca || tls?.cert) {
    options.credentials = {
      rootCertificate: tls.ca ? readTlsFile('ca', tls.ca) : Buffer.alloc(0),
      ...(tls.cert && tls.key ? { certChain: readTlsFile('cert', tls.cert), privateKey: readTlsFile('key', tls.key) } : {}),
    };
  }
  if (settings.auth) {
    const username = env[settings.auth.userEnv];
    const password = env[settings.auth.passwordEnv];
    if (username === undefined) throw etcdSetupErrors.missingAuthVariable(settings.auth.userEnv, 'user');
    if (password === undefined) throw etcdSetupErrors.missingAuthVariable(settings.auth.passwordEnv, 'password');
    options.auth = { username, password };
  }
  return options;
}

export function connectEtcd(settings: EtcdSettings, env: NodeJS.ProcessEnv = process.env): EtcdConnection {
  const client = new Etcd3(etcdClientOptions(settings, env));
  return {
    client,
    namespace: client.namespace(settings.prefix),
    endpoints: settings.endpoints,
    settings,
    close: () => client.close(),
  };
}

function readTlsFile(what: 'ca' | 'cert' | 'key', file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw etcdSetupErrors.unreadableTlsFile(what, file, error);
  }
}
