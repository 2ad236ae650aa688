// `meshplane serve`: run the GitOps daemon until SIGTERM or SIGINT.
import { Command, Option } from 'commander';
import { Daemon, DAEMON_DEFAULTS, DaemonOptions, stopBoundMs } from '../../daemon/daemon';
import { DaemonError } from '../../daemon/errors';
import { HaError, mergeStoreFlags, StoreFlags } from '../../ha';
import { daemonLogger } from '../../logging/daemon-logger';
import { SourceError } from '../../source/errors';
import { parseLocation } from '../../source/location';
import { resolveDataDir } from '../../state';
import { operatorUsage } from '../../operator/errors';
import { loadOperatorConfig } from '../../operator/load-operator-config';
import { operatorConfig, OperatorConfig, SECRET_VARIABLES } from '../../operator/operator-config';
import { applyOverrides } from '../../operator/overrides';
import { storeSettings } from '../../operator/store-settings';
import { Terminal } from '../terminal';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error';

export interface ServeOptions extends StoreFlags {
  /** The operator configuration file (also $MESHPLANE_CONFIG); flags and variables override its common keys. */
  config?: string;
  replicaId?: string;
  repo?: string;
  branch?: string;
  env?: string[];
  dataDir?: string;
  xdsListen?: string;
  httpListen?: string;
  publicUrl?: string;
  pollInterval?: string;
  watchWorktree?: boolean;
  fullRecompute?: boolean;
  /** Refused: secrets never come from argv. */
  webhookSecret?: string;
  xdsInsecure?: boolean;
  ackTimeout: string;
  driftInterval: string;
  logLevel?: string;
  logFormat?: string;
}

export function serveCommand(terminal: Terminal, done: (code: number) => void): Command {
  return new Command('serve')
    .description('Run the GitOps daemon: reconcile each commit of a branch into live proxies over xDS, and write commit statuses.')
    .option('--config <file>', 'operator configuration (docs/configuration.md; default: $MESHPLANE_CONFIG, else built-in local defaults)')
    .option('--repo <dir|url>', 'repository directory, or a URL to clone (https://, ssh://, git@host:path, file://) (default: source.repo, else .)')
    .option('--branch <name>', `branch to follow (default: source.branch, else ${DAEMON_DEFAULTS.branch})`)
    .option('--env <name...>', 'environments to serve (default: every environments/<env>/ of the branch)')
    .option('--data-dir <dir>', 'clone, state store (state/, shared with plan/apply/history) and work files (over $MESHPLANE_DATA_DIR and dataDir; default <repo>/.meshplane for a directory, ./.meshplane for a URL)')
    .option('--xds-listen <host:port>', `xDS (ADS) address (default: listen.xds, else ${DAEMON_DEFAULTS.xdsListen})`)
    .option('--http-listen <host:port>', `HTTP address: health, metrics, API, webhooks (default: listen.http, else ${DAEMON_DEFAULTS.httpListen})`)
    .option('--public-url <url>', 'base of the commit statuses\' links (default: publicUrl, else http://<http-listen>)')
    .option('--poll-interval <seconds>', 'how often to check the branch (default: 10 for a directory, which is also watched, 30 for a URL)')
    .option('--watch-worktree', 'also reconcile uncommitted edits of a directory\'s environments/ (no commit statuses for them)')
    .option('--full-recompute', 'read, parse and validate every file of every commit instead of only the files it changed (same results, slower; see docs/incremental-reconcile.md)')
    .option('--xds-insecure', 'allow xDS without proxy authentication on a non-loopback address (xds.insecure; warned at every start)')
    .addOption(new Option('--webhook-secret <secret>').hideHelp())
    .option('--ack-timeout <seconds>', 'how long to wait for proxies to ACK a push', String(DAEMON_DEFAULTS.ackTimeoutMs / 1000))
    .option('--drift-interval <seconds>', 'how often to check for drift', String(DAEMON_DEFAULTS.driftIntervalMs / 1000))
    // HA: several replicas on etcd (flags override the `store` section of the configuration).
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
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace (logs on stdout) (default: logging.level, else $LOG_LEVEL, else info)')
    .option('--log-format <format>', 'auto (human lines on a terminal, JSON otherwise), json or pretty (default: logging.format, else auto)')
    .action(async (options: ServeOptions) => done(await runServe(options, terminal)));
}

/** What runs beside a started daemon (start's note, the demo); the function it returns runs before the daemon stops. */
export type Companion = (daemon: Daemon) => Promise<(() => Promise<void>) | void> | void;

export async function runServe(options: ServeOptions, terminal: Terminal, companion?: Companion, variables: NodeJS.ProcessEnv = process.env): Promise<number> {
  const daemon = await startDaemon(await resolveServe(options, variables));
  const detach = await Promise.resolve(companion?.(daemon)).catch(async (error: Error) => {
    await daemon.stop();
    throw error;
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      daemon.log.info({ signal }, 'stopping');
      process.off('SIGTERM', stop).off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop).on('SIGINT', stop);
  });
  await detach?.();
  const bound = stopBoundMs(daemon.options.stopGraceMs);
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([daemon.stop().then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), bound)))]);
  clearTimeout(timer);
  if (!stopped) {
    terminal.err(`meshplane: the stop did not finish within ${bound / 1000}s; exiting anyway\n`);
    return EXIT_FAILURE;
  }
  terminal.err('meshplane: stopped\n');
  return EXIT_OK;
}

/**
 * The daemon's options: the configuration file (--config, else $MESHPLANE_CONFIG, else the built-in
 * local defaults) with the variables and then the flags over its common keys. Problems are usage errors.
 */
export async function resolveServe(options: ServeOptions, variables: NodeJS.ProcessEnv = process.env): Promise<DaemonOptions> {
  if (options.webhookSecret !== undefined) throw new UsageError(operatorUsage.secretOnArgv('--webhook-secret', SECRET_VARIABLES.webhook));
  const file = options.config ?? (variables.MESHPLANE_CONFIG || undefined);
  let fromFile: OperatorConfig;
  try {
    fromFile = file ? await loadOperatorConfig(file) : operatorConfig();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { config: operator, problems } = applyOverrides(fromFile, { ...options }, variables);
  const store = mergeStoreFlags(storeSettings(operator), options);
  problems.push(...store.problems);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  const repo = operator.source.repo ?? '.';
  const location = parseLocation(repo);
  // The CLI's default too (state/state-dir.ts): `plan`, `history`… then read what the daemon applied.
  const dataDir = resolveDataDir({ dataDir: operator.dataDir }, location.kind === 'local' ? location.dir : '.', variables);
  return {
    repo,
    branch: operator.source.branch ?? DAEMON_DEFAULTS.branch,
    environments: operator.source.environments,
    dataDir,
    xdsListen: operator.listen.xds ?? DAEMON_DEFAULTS.xdsListen,
    httpListen: operator.listen.http ?? DAEMON_DEFAULTS.httpListen,
    publicUrl: operator.publicUrl,
    pollIntervalMs: operator.source.pollInterval === undefined ? undefined : Math.round(operator.source.pollInterval * 1000),
    watchWorktree: options.watchWorktree,
    fullRecompute: options.fullRecompute,
    ackTimeoutMs: seconds('--ack-timeout', options.ackTimeout, 0.1),
    driftIntervalMs: seconds('--drift-interval', options.driftInterval, 0.1),
    log: daemonLogger({ level: operator.logging.level ?? logLevel(variables.LOG_LEVEL ?? 'info'), format: operator.logging.format }),
    variables,
    operator,
    store: store.settings,
    replicaId: options.replicaId,
  };
}

/** Starts the daemon, turning mistakes in how it was called into usage errors (exit 2). */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  try {
    return await Daemon.start(options);
  } catch (error) {
    if (error instanceof DaemonError || error instanceof HaError || (error instanceof SourceError && ['location', 'branch', 'unreachable'].includes(error.kind))) throw new UsageError(error.message);
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
  if (!levels.includes(level)) throw new UsageError(`$LOG_LEVEL must be one of ${levels.join(', ')}; got "${level}".`);
  return level;
}
