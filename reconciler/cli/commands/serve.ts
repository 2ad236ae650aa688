// `meshplane serve`: run the GitOps daemon until SIGTERM or SIGINT.
import { Command } from 'commander';
import pino from 'pino';
import { Daemon, DAEMON_DEFAULTS, DaemonOptions } from '../../daemon/daemon';
import { DaemonError } from '../../daemon/errors';
import { HaError, resolveServeStore, StoreFlags } from '../../ha';
import { PRINTABLE_LOG_OPTIONS } from '../../logging/printable-log';
import { SourceError } from '../../source/errors';
import { parseLocation } from '../../source/location';
import { SECRET_ENV } from '../../webhook';
import { resolveDataDir } from '../../state';
import { Terminal } from '../terminal';
import { EXIT_OK, UsageError } from '../usage-error';

export interface ServeOptions extends StoreFlags {
  replicaId?: string;
  repo: string;
  branch: string;
  env?: string[];
  dataDir?: string;
  xdsListen: string;
  httpListen: string;
  publicUrl?: string;
  pollInterval?: string;
  watchWorktree?: boolean;
  webhookSecret?: string;
  ackTimeout: string;
  driftInterval: string;
  logLevel: string;
}

export function serveCommand(terminal: Terminal, done: (code: number) => void): Command {
  return new Command('serve')
    .description('Run the GitOps daemon: reconcile each commit of a branch into live proxies over xDS, and write commit statuses.')
    .option('--repo <dir|url>', 'repository directory, or a URL to clone (https://, ssh://, git@host:path, file://)', '.')
    .option('--branch <name>', 'branch to follow', DAEMON_DEFAULTS.branch)
    .option('--env <name...>', 'environments to serve (default: every environments/<env>/ of the branch)')
    .option('--data-dir <dir>', 'clone, state store (state/, shared with plan/apply/history) and work files (default: $MESHPLANE_DATA_DIR, else <repo>/.meshplane for a directory, ./.meshplane for a URL)')
    .option('--xds-listen <host:port>', 'xDS (ADS) address', DAEMON_DEFAULTS.xdsListen)
    .option('--http-listen <host:port>', 'HTTP address: health, metrics, API, webhooks', DAEMON_DEFAULTS.httpListen)
    .option('--public-url <url>', 'base of the commit statuses\' links (default: http://<http-listen>)')
    .option('--poll-interval <seconds>', 'how often to check the branch (default: 10 for a directory, which is also watched, 30 for a URL)')
    .option('--watch-worktree', 'also reconcile uncommitted edits of a directory\'s environments/ (no commit statuses for them)')
    .option('--webhook-secret <secret>', `secret of POST /hooks/git deliveries (default: $${SECRET_ENV}; without one, webhooks are refused)`)
    .option('--ack-timeout <seconds>', 'how long to wait for proxies to ACK a push', String(DAEMON_DEFAULTS.ackTimeoutMs / 1000))
    .option('--drift-interval <seconds>', 'how often to check for drift', String(DAEMON_DEFAULTS.driftIntervalMs / 1000))
    // HA: several replicas on etcd (flags override the `store` section of environment.yaml).
    .option('--store <backend>', 'where state and the registry live: embedded (files in the data dir, the default) or etcd')
    .option('--etcd-endpoints <urls>', 'etcd client URLs, comma-separated (e.g. http://10.0.0.5:2379,http://10.0.0.6:2379)')
    .option('--etcd-prefix <prefix>', 'key prefix of this mesh in etcd (default /meshplane/)')
    .option('--etcd-lease-ttl <seconds>', 'leadership and membership lease TTL: a dead leader is replaced within it (default 10)')
    .option('--etcd-ca <file>', 'CA certificate (PEM) to verify etcd over https')
    .option('--etcd-cert <file>', 'client certificate (PEM) for etcd')
    .option('--etcd-key <file>', 'client key (PEM) for etcd')
    .option('--etcd-user-env <name>', 'environment variable holding the etcd user')
    .option('--etcd-password-env <name>', 'environment variable holding the etcd password')
    .option('--replica-id <id>', 'this replica\'s name among the replicas (default: <host>-<pid>-<random>)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace (JSON logs on stdout)', process.env.LOG_LEVEL ?? 'info')
    .action(async (options: ServeOptions) => done(await runServe(options, terminal)));
}

export async function runServe(options: ServeOptions, terminal: Terminal, announce?: (daemon: Daemon) => void): Promise<number> {
  const daemonOptions = toDaemonOptions(options);
  const location = parseLocation(options.repo);
  const store = await resolveServeStore(options, location.kind === 'local' ? location.dir : undefined, options.env);
  if (store.problems.length > 0) throw new UsageError(store.problems.join('\n'));
  const daemon = await startDaemon({ ...daemonOptions, store: store.settings, replicaId: options.replicaId });
  announce?.(daemon);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      daemon.log.info({ signal }, 'stopping');
      process.off('SIGTERM', stop).off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop).on('SIGINT', stop);
  });
  await daemon.stop();
  terminal.err('meshplane: stopped\n');
  return EXIT_OK;
}

export function toDaemonOptions(options: ServeOptions): DaemonOptions {
  const location = parseLocation(options.repo);
  // The CLI's default too (state/state-dir.ts): `plan`, `history`… then read what the daemon applied.
  const dataDir = resolveDataDir({ dataDir: options.dataDir }, location.kind === 'local' ? location.dir : '.');
  return {
    repo: options.repo,
    branch: options.branch,
    environments: options.env,
    dataDir,
    xdsListen: options.xdsListen,
    httpListen: options.httpListen,
    publicUrl: options.publicUrl,
    pollIntervalMs: options.pollInterval === undefined ? undefined : seconds('--poll-interval', options.pollInterval, 0.1),
    watchWorktree: options.watchWorktree,
    webhookSecret: options.webhookSecret ?? process.env[SECRET_ENV] ?? undefined,
    ackTimeoutMs: seconds('--ack-timeout', options.ackTimeout, 0.1),
    driftIntervalMs: seconds('--drift-interval', options.driftInterval, 0.1),
    log: pino({ ...PRINTABLE_LOG_OPTIONS, level: logLevel(options.logLevel), base: { service: 'meshplane' } }),
  };
}

/** Starts the daemon, turning mistakes in how it was called into usage errors (exit 2). */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  try {
    return await Daemon.start(options);
  } catch (error) {
    if (error instanceof DaemonError || error instanceof HaError || (error instanceof SourceError && error.kind === 'location')) throw new UsageError(error.message);
    throw error;
  }
}

function seconds(flag: string, value: string, minimum: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < minimum) throw new UsageError(`${flag} must be a number of seconds (at least ${minimum}); got "${value}".`);
  return Math.round(n * 1000);
}

function logLevel(level: string): string {
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(level)) throw new UsageError(`--log-level must be one of ${levels.join(', ')}; got "${level}".`);
  return level;
}
