// One etcd client per process, scoped to the configured key prefix. Unary calls get a deadline so
// an unreachable cluster fails a request in seconds instead of hanging a reconcile: each attempt
// has ETCD_ATTEMPT_TIMEOUT_MS (a request caught in an etcd leader election can be dropped, and only
// a retry gets it through), and retries stop after ETCD_CALL_TIMEOUT_MS. Watches and lease
// keep-alives are streams and reconnect on their own.
import * as fs from 'node:fs';
import { Etcd3, GRPCUnavailableError, IOptions, isRecoverableError, Namespace } from 'etcd3';
import { etcdSetupErrors } from './errors';
import { EtcdSettings } from './store-settings';

export const ETCD_CALL_TIMEOUT_MS = 6_000;
export const ETCD_ATTEMPT_TIMEOUT_MS = 2_000;

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
    dialTimeout: Math.min(callTimeoutMs, ETCD_ATTEMPT_TIMEOUT_MS),
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + Math.min(callTimeoutMs, ETCD_ATTEMPT_TIMEOUT_MS) }),
    grpcOptions: { 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': 5_000 },
    // etcd3's default breaker shuns a failed member for 5 s and retries a call 3 times, which
    // delays recovery after an outage and can fail a call while one member of three is down.
    faultHandling: { host: () => shortBreaker() as never, global: retryPolicy(callTimeoutMs) as never },
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

const BREAKER = { failures: 3, openMs: 1_000 };
const RETRY = { attempts: 4, delayMs: 100 };

interface Policy {
  execute<T>(fn: () => PromiseLike<T> | T): Promise<T>;
}

/**
 * A member that refused a connection (or failed three calls in a row) is skipped for a second —
 * the pool tries the others — then tried again. Only execute() is used by etcd3's connection pool.
 */
function shortBreaker(): Policy {
  let failures = 0;
  let openUntil = 0;
  return {
    async execute<T>(fn: () => PromiseLike<T> | T): Promise<T> {
      if (Date.now() < openUntil) throw new Error('this etcd member failed a moment ago');
      try {
        const result = await fn();
        failures = 0;
        return result;
      } catch (error) {
        if (error instanceof Error && isRecoverableError(error) && (error instanceof GRPCUnavailableError || ++failures >= BREAKER.failures)) {
          failures = 0;
          openUntil = Date.now() + BREAKER.openMs;
        }
        throw error;
      }
    },
  };
}

/** Retries a call that failed on a dead or lagging member on another one, within the call timeout. */
function retryPolicy(callTimeoutMs: number): Policy {
  return {
    async execute<T>(fn: () => PromiseLike<T> | T): Promise<T> {
      const started = Date.now();
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn();
        } catch (error) {
          const retryable = error instanceof Error && (isRecoverableError(error) || /failed a moment ago/.test(error.message));
          if (!retryable || attempt >= RETRY.attempts || Date.now() - started > callTimeoutMs) throw error;
          await new Promise((resolve) => setTimeout(resolve, RETRY.delayMs * attempt));
        }
      }
    },
  };
}

function readTlsFile(what: 'ca' | 'cert' | 'key', file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw etcdSetupErrors.unreadableTlsFile(what, file, error);
  }
}
