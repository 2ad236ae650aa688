// `meshplane serve`: the GitOps daemon. It follows a branch (git source), reconciles every
// environment's revisions (EnvironmentReconciler), serves the result over xDS, writes commit
// statuses, watches for drift, and answers on one HTTP port. State lives in the data dir, so a
// restart resumes serving the applied revisions with identical xDS versions.
import * as fs from 'node:fs';
import * as path from 'node:path';
import pino, { Logger } from 'pino';
import { FileSource } from '../load/file-source';
import { GitObjects } from '../load/git-objects';
import { listEnvironments } from '../load/load-environment';
import { HttpRouter } from '../http/router';
import { RunningHttpServer, startHttpServer } from '../http/http-server';
import { InstanceRegistry, registryRoutes } from '../registry';
import { AddressPolicy } from '../registry/address-policy';
import { StaticInstance } from '../registry/endpoint-registry';
import { BackoffOptions } from '../source/backoff';
import { resolveCommit } from '../source/git';
import { SourceError } from '../source/errors';
import { GitSource } from '../source/git-source';
import { Revision, shortCommit } from '../source/revision';
import { StateLock, StateStore, stateStoreDir } from '../state';
import { Backends, Coordination, coordinationRoutes, createBackends, EtcdUnavailableError, fenceReporters, followAppliedRevisions, FollowerPrefetch, registerCoordinationMetrics, StoreSettings, xdsLocalProxies } from '../ha';
import { operatorConfig, OperatorConfig, SECRET_VARIABLES, SecretRef } from '../operator/operator-config';
import { SecretSources } from '../operator/secret-source';
import { daemonTerraformOptions } from '../operator/terraform-options';
import { xdsExposure } from '../operator/xds-exposure';
import { xdsServerOptions } from '../operator/xds-options';
import { DeclaredReporters } from '../status/create-reporters';
import { commitsWithPendingStatuses, readNote } from '../status/git-notes';
import { StatusReporter } from '../status/reporter';
import { RetryOptions } from '../status/retry';
import { DaemonTerraform } from '../terraform/pipeline-stage';
import { CommitStatuses, makeStatus, StatusState } from '../status/status';
import { proxiesRoutes } from '../xds/proxies-api';
import { XdsServer, XdsServerOptions } from '../xds/xds-server';
import { AppMeshApi, createAppMeshApi } from '../api/app-mesh-api';
import { dashboardRoutes } from '../dashboard';
import { daemonDashboardSource } from './daemon-dashboard-source';
import type { TrafficReport } from '../demo/traffic-window';
import { daemonRoutes } from './daemon-routes';
import { assessDrift, describeDrift, DriftFinding } from './drift';
import { EnvironmentReconciler } from './environment-reconciler';
import { EnvironmentSources } from './environment-sources';
import { EnvironmentView } from './environment-view';
import type { EnvironmentProxyCounts } from '../dashboard';
import { settleInterrupted } from './interrupted-statuses';
import { OperatorSelections, validateRevision, ValidatedRevision } from './load-revision';
import { RevisionCaches, revisionCaches } from './revision-caches';
import { badListenAddress, cannotListen, operatorSecretsUnreadable, xdsExposed } from './errors';
import { DaemonMetrics, DRIFT_KINDS } from './metrics';
import { IdleCollector } from './idle-collector';
import { onSpawnFailure } from './spawn-failures';
import { StatusBook } from './status-book';
import { lockDataDir } from './data-dir-lock';
import { syncReport } from './sync-watch';

export const DAEMON_DEFAULTS = {
  branch: 'main',
  xdsListen: '127.0.0.1:15010',
  httpListen: '127.0.0.1:9080',
  ackTimeoutMs: 30_000,
  driftIntervalMs: 30_000,
  stopGraceMs: 10_000,
} as const;

/** The most any step of stopping that waits on another party (etcd, HTTP clients) may take. */
const STOP_STEP_MS = 3_000;

/** How long a stop takes at most: the grace for the running reconcile and statuses, plus the bounded steps. */
export function stopBoundMs(stopGraceMs: number = DAEMON_DEFAULTS.stopGraceMs): number {
  return 2 * stopGraceMs + Math.min(stopGraceMs, 5_000) + 3 * STOP_STEP_MS;
}

export interface DaemonOptions {
  /** A repository directory or a URL. */
  repo: string;
  branch?: string;
  /** Environments to serve; all of the branch's when absent. */
  environments?: string[];
  /** Clone, state store and Terraform working roots. */
  dataDir: string;
  xdsListen?: string;
  httpListen?: string;
  /** Base of the statuses' target URLs (default: the HTTP listen address). */
  publicUrl?: string;
  pollIntervalMs?: number;
  watchWorktree?: boolean;
  ackTimeoutMs?: number;
  driftIntervalMs?: number;
  stopGraceMs?: number;
  log?: Logger;
  /**
   * The operator configuration: reporters, secrets, Terraform, xDS auth and limits, registry and
   * dashboard tokens (default: the built-in local defaults, as without --config).
   */
  operator?: OperatorConfig;
  /** Where `{ env: NAME }` secrets are read from (default process.env). */
  variables?: NodeJS.ProcessEnv;
  reporterRetry?: RetryOptions;
  sourceBackoff?: BackoffOptions;
  /** Where state and registry live: embedded (default) or etcd shared by several replicas. */
  store?: StoreSettings;
  replicaId?: string;
  /**
   * Load, validate and plan every commit from scratch instead of reusing what the previous commit
   * left unchanged (--full-recompute): the reference the incremental path is tested against.
   */
  fullRecompute?: boolean;
}

interface DriftState {
  state: StatusState;
  findings: DriftFinding[];
  checkedAt?: string;
}

export class Daemon {
  readonly log: Logger;
  readonly metrics = new DaemonMetrics();
  readonly registry: InstanceRegistry;
  readonly sources: EnvironmentSources;
  xds!: XdsServer;
  readonly store: StateStore;
  /** HA: who leads (only the leader reconciles and writes statuses; every replica serves). */
  readonly coordination: Coordination;
  private readonly backends: Backends;
  /** HA: the newest revision the source announced, reconciled when this replica becomes the leader. */
  private latestRevision: Revision | undefined;
  /** HA: whether the applied revisions were read from the state store at least once. */
  private storeRead = false;
  private stopFollowing: (() => void) | undefined;
  private stopSpawnReports: (() => void) | undefined;
  readonly book: StatusBook;
  readonly reconcilers = new Map<string, EnvironmentReconciler>();
  /** Per environment: what the previous loads parsed and checked (absent with fullRecompute). */
  private readonly revisionCaches = new Map<string, RevisionCaches>();
  /** HA: a follower validates each commit it finds while the leader reconciles it. */
  private readonly prefetch = new FollowerPrefetch<FileSource, ValidatedRevision>((files, environment) => this.validate(files, environment));
  source!: GitSource;
  /** The App Mesh API (docs/appmesh-api.md), mounted on the HTTP port. */
  private appMeshApi!: AppMeshApi;
  http!: RunningHttpServer;
  xdsAddress = '';
  /** The operator configuration in effect (options.operator, or the built-in defaults). */
  readonly operator: OperatorConfig;
  private readonly secrets: SecretSources;
  private declaredReporters: DeclaredReporters | undefined;
  private readonly terraform: DaemonTerraform;
  private readonly staticInstances = new Map<string, readonly StaticInstance[]>();
  private readonly drift = new Map<string, DriftState>();
  private readonly driftRunning = new Set<string>();
  private sourceFailure: string | undefined;
  private dispatching: Promise<void> = Promise.resolve();
  private driftTimer: NodeJS.Timeout | undefined;
  private readonly idleCollector = new IdleCollector(({ step, freedBytes, ms }) => this.log.debug({ step, freedMb: Math.round(freedBytes / 2 ** 20), ms: Math.round(ms) }, 'idle: memory of the last reconciles collected'));
  private stopping = false;
  private dataDirLock: StateLock | undefined;
  private stopped: Promise<void> | undefined;
  private trafficSource: (() => TrafficReport[]) | undefined;

  private constructor(readonly options: DaemonOptions) {
    this.log = options.log ?? pino({ level: 'silent' });
    this.operator = options.operator ?? operatorConfig();
    this.secrets = new SecretSources({
      variables: options.variables ?? process.env,
      onError: (error) => this.log.error({ area: 'secrets' }, `${error.message} The last value read stays in use.`),
    });
    const terraformRoot = path.join(options.dataDir, 'terraform');
    this.terraform = { run: { workRoot: terraformRoot, ...daemonTerraformOptions(this.operator.terraform, terraformRoot) }, apply: this.operator.terraform.apply };
    this.backends = createBackends(options.store, {
      stateDir: stateStoreDir(options.dataDir),
      replicaId: options.replicaId,
      log: (message, fields) => this.log.child({ area: 'ha' }).info(fields ?? {}, message),
    });
    ({ store: this.store, registry: this.registry, coordination: this.coordination } = this.backends);
    this.sources = new EnvironmentSources(this.registry);
    registerCoordinationMetrics(this.metrics.registry, this.coordination);
    this.book = new StatusBook(this.log.child({ area: 'status' }));
  }

  static async start(options: DaemonOptions): Promise<Daemon> {
    const daemon = new Daemon(options);
    try {
      await daemon.boot();
    } catch (error) {
      await daemon.stop();
      throw error;
    }
    return daemon;
  }

  get httpUrl(): string {
    return this.http.url;
  }

  private get addressPolicy(): AddressPolicy {
    const { allowLoopback, allowLinkLocal } = this.operator.registry;
    return { allowLoopback, allowLinkLocal };
  }

  private get publicUrl(): string {
    return (this.options.publicUrl ?? this.http.url).replace(/\/+$/, '');
  }

  private async boot(): Promise<void> {
    const o = this.options;
    // Out of file descriptors or processes: the operation fails and is retried; the daemon keeps running.
    this.stopSpawnReports = onSpawnFailure((error) =>
      this.log.error({ area: 'process', code: error.code, syscall: error.syscall }, `${error.message}: the operation that needed it failed and is retried; raise the open-files limit (ulimit -n) if this repeats`),
    );
    fs.mkdirSync(o.dataDir, { recursive: true });
    this.dataDirLock = await lockDataDir(o.dataDir, `meshplane serve ${o.repo}`);
    const xdsAt = splitListen('--xds-listen', o.xdsListen ?? DAEMON_DEFAULTS.xdsListen);
    const httpAt = splitListen('--http-listen', o.httpListen ?? DAEMON_DEFAULTS.httpListen);
    const exposure = xdsExposure(xdsAt.host, this.operator.xds);
    if (exposure.refusal) throw xdsExposed(exposure.refusal);
    for (const warning of exposure.warnings) this.log.warn({ area: 'xds' }, warning);
    const unreadable = await this.secrets.load(this.declaredSecrets());
    if (unreadable.length > 0) throw operatorSecretsUnreadable(unreadable);
    fs.mkdirSync(path.join(this.terraform.run.workRoot, 'home'), { recursive: true });
    await this.backends.start();
    const resumable = await this.resumableEnvironments();
    const lastKnownHead = resumable.map((r) => r.applied).filter((a) => a.commit).sort((a, b) => a.appliedAt.localeCompare(b.appliedAt)).pop()?.commit ?? undefined;
    this.source = await GitSource.open({
      repo: o.repo,
      branch: o.branch ?? DAEMON_DEFAULTS.branch,
      dataDir: o.dataDir,
      pollIntervalMs: o.pollIntervalMs,
      watchWorktree: o.watchWorktree,
      backoff: o.sourceBackoff,
      lastKnownHead,
      log: this.log.child({ area: 'source' }),
    });
    this.appMeshApi = await createAppMeshApi({
      checkout: this.source.checkout,
      branch: this.source.branch,
      store: this.store,
      settings: this.operator.api,
      secrets: this.secrets,
      operator: this.operatorSelections(),
      environments: this.options.environments,
      // Read-your-writes for the pipeline too: the commit is reconciled without waiting for a poll.
      afterCommit: () => void this.source.check(),
      log: this.log.child({ area: 'api' }),
    });
    if (this.appMeshApi.problems.length > 0) throw operatorSecretsUnreadable(this.appMeshApi.problems);
    const resumed = await Promise.all(
      resumable.map(async ({ environment, applied }) => {
        const files = applied.commit ? await this.source.files(applied.commit).catch(() => undefined) : undefined;
        const validated = files ? await this.validate(files, environment).catch(() => undefined) : undefined;
        return { environment, applied, files, validated };
      }),
    );
    const settingsFrom = resumed.length > 0 ? resumed.map((r) => r.validated) : await this.headEnvironments();
    this.xds = new XdsServer(this.xdsOptions(settingsFrom.filter((v): v is ValidatedRevision => v?.valid === true)));
    this.watchXds();
    this.backends.proxyDirectory.start(xdsLocalProxies(this.xds, (proxy) => this.sources.environmentOf(proxy), (env) => this.reconcilers.get(env)?.live?.revision));
    const port = await this.xds.listen(`${xdsAt.host}:${xdsAt.port}`).catch((error: Error) => {
      throw cannotListen('xDS', `${xdsAt.host}:${xdsAt.port}`, error.message);
    });
    this.xdsAddress = `${xdsAt.host}:${port}`;
    for (const { environment, applied, files, validated } of resumed) {
      await this.reconciler(environment).resume(applied, files, validated);
      await this.restoreStatuses(applied.commit);
    }
    if (resumed.length > 0) this.idleCollector.workEnded();
    this.http = await startHttpServer(this.router(), httpAt.host, httpAt.port, {
      maxConnections: this.operator.http.maxConnections,
      allowedHosts: this.operator.http.allowedHosts,
      publicUrl: o.publicUrl,
      warn: (message, fields) => this.log.warn({ area: 'http', ...fields }, message),
    }).catch((error: Error) => {
      throw cannotListen('HTTP', `${httpAt.host}:${httpAt.port}`, error.message);
    });
    this.log.info({ xds: this.xdsAddress, http: this.http.url, repository: this.source.checkout.label, branch: this.source.branch }, 'meshplane daemon listening');
    this.startCoordination(this.xdsAddress, this.http.url);
    await this.source.start({
      revision: (revision) => void this.dispatch(revision),
      error: (error) => {
        this.metrics.sourceErrors.inc({ kind: error.kind });
        this.sourceFailure = error.kind === 'unreachable' ? `cannot reach ${this.source.checkout.label}` : error.message.split('. ')[0];
        this.checkAllDrift();
      },
      recovered: () => {
        this.sourceFailure = undefined;
        this.checkAllDrift();
      },
    });
    const interval = o.driftIntervalMs ?? DAEMON_DEFAULTS.driftIntervalMs;
    this.driftTimer = setInterval(() => this.checkAllDrift(), interval);
    this.driftTimer.unref();
  }

  /**
   * HA: campaign for leadership and follow the other replicas. A new leader reconciles the newest
   * revision; a follower serves every revision the leader applies.
   */
  private startCoordination(xdsAddress: string, httpAddress: string): void {
    this.coordination.start({ xdsAddress, httpAddress });
    this.coordination.onLeadership((leader) => {
      this.log.info({ area: 'ha', replica: this.coordination.replicaId, leader }, leader ? 'this replica leads: it reconciles' : 'this replica follows: it serves what the leader applies');
      // Before anything is reconciled (dispatch queues behind it), so a re-run's statuses come after;
      // the statuses of what it serves are read back first (a follower reads a commit's note only when asked).
      if (leader) this.dispatching = this.dispatching.then(() => this.restoreServedStatuses()).then(() => this.settleInterruptedStatuses());
      if (leader && this.latestRevision) void this.dispatch(this.latestRevision);
    });
    // A reconcile that failed because etcd did not answer is tried again once it answers.
    this.coordination.onStoreRecovered(() => {
      const failed = [...this.reconcilers.values()].some((r) => r.last?.result === 'failed' && r.last.commit === this.latestRevision?.commit);
      if (failed && this.coordination.isLeader()) void this.dispatch(this.latestRevision!);
    });
    this.stopFollowing = followAppliedRevisions({
      coordination: this.coordination,
      store: this.store,
      environments: async () => this.options.environments ?? (await this.backends.storedEnvironments()),
      selected: (environment) => !this.options.environments || this.options.environments.includes(environment),
      servedRevision: (environment) => this.reconcilers.get(environment)?.live?.revision,
      serve: async (environment, applied) => {
        const { files, validated } = applied.commit ? await this.prefetch.validated(environment, applied.commit, () => this.filesOf(applied.commit!)) : { files: undefined, validated: undefined };
        await this.reconciler(environment).resume(applied, files, validated);
        this.backends.proxyDirectory.changed();
        // The leader is still writing this commit's statuses: the API reads them from its note when asked.
      },
      log: (message, fields) => this.log.warn({ area: 'ha', ...fields }, message),
    });
  }

  /** After a restart the book is empty: the statuses of a live commit are read back from its git note. */
  private async restoreStatuses(commit: string | null): Promise<void> {
    if (!commit || this.book.get(commit)) return;
    const note = await readNote(this.source.checkout.git(), commit).catch(() => undefined);
    if (note) this.book.seed(commit, note.statuses);
  }

  /** A new leader's book: the statuses of the commits it serves, as the previous leader left them (its drift checks compare with them). */
  private async restoreServedStatuses(): Promise<void> {
    for (const reconciler of this.reconcilers.values()) await this.restoreStatuses(reconciler.live?.commit ?? null);
  }

  /** Settles the statuses a daemon that died left `pending` (see interrupted-statuses.ts). */
  private async settleInterruptedStatuses(): Promise<void> {
    try {
      const git = this.source.checkout.git();
      for (const commit of await commitsWithPendingStatuses(git)) {
        const note = await readNote(git, commit);
        if (!note) continue;
        this.book.seed(commit, note.statuses);
        const settled = settleInterrupted(note.statuses, (environment) => this.reconcilers.get(environment)?.live);
        for (const [environment, statuses] of settled) {
          const reporters = this.reconcilers.get(environment)?.live?.reporters ?? [];
          this.book.set(commit, statuses, reporters.length > 0 ? reporters : this.reporters(['git-notes']));
          this.log.warn({ area: 'status', environment, commit, contexts: statuses.map((st) => st.context) }, 'settled statuses left pending by a daemon that stopped');
        }
      }
    } catch (error) {
      this.log.error({ area: 'status', err: error }, 'could not settle the statuses left pending by an earlier daemon');
    }
  }

  /** A commit's files; a follower whose clone lags fetches once before giving up. */
  private async filesOf(commit: string) {
    const files = await this.source?.files(commit).catch(() => undefined);
    if (files || !this.source) return files;
    await this.source.check();
    return this.source.files(commit).catch(() => undefined);
  }

  /**
   * The environments of the branch head, validated (xDS settings on a first start). With nothing
   * applied yet there is nothing to serve: a branch that does not exist or a repository that does
   * not answer is a mistake in how the daemon was started, so it fails now instead of running idle.
   */
  private async headEnvironments(): Promise<Array<ValidatedRevision | undefined>> {
    let head: string;
    try {
      head = await this.source.checkout.refresh();
    } catch (error) {
      if (error instanceof SourceError && (error.kind === 'branch' || error.kind === 'unreachable')) throw error;
      return []; // the source reports its failure when it starts
    }
    try {
      const files = await this.source.files(head);
      const names = this.options.environments ?? (await listEnvironments(files));
      return await Promise.all(names.map((name) => this.validate(files, name)));
    } catch {
      return [];
    }
  }

  /**
   * The xDS server's auth, TLS and limits come from the operator configuration; the proxy limit
   * (xds.proxyLimit, mesh-level) from the served environments when the daemon starts. Environments
   * with different limits are served with the first one's, and a warning.
   */
  private xdsOptions(validated: ValidatedRevision[]): XdsServerOptions {
    const secret = (ref: SecretRef) => this.secrets.of(ref);
    const base = { source: this.sources, warn: (message: string, fields?: Record<string, unknown>) => this.log.warn({ area: 'xds', ...fields }, message) };
    if (validated.length === 0) return xdsServerOptions(this.operator.xds, secret, undefined, base);
    const [first, ...others] = [...validated].sort((a, b) => a.environment.localeCompare(b.environment));
    const options = xdsServerOptions(this.operator.xds, secret, { config: first.loaded.config, proxyLimit: first.xds.proxyLimit }, base);
    const differing = others.filter((v) => JSON.stringify(v.xds.proxyLimit) !== JSON.stringify(first.xds.proxyLimit)).map((v) => v.environment);
    if (differing.length > 0) this.log.warn({ used: first.environment, differing }, `environments have different xds.proxyLimit settings; the xDS server uses environment ${first.environment}'s`);
    const scope = (v: ValidatedRevision) => `${v.loaded.config.partition}:${v.loaded.config.region}:${v.loaded.config.account}`;
    // Full-ARN node ids are checked against one account and region only when every environment shares them.
    if (others.some((v) => scope(v) !== scope(first))) options.arnScope = undefined;
    return options;
  }

  /** Environments the state store has an applied revision of (and that are selected). */
  private async resumableEnvironments() {
    // HA: a replica is not ready before it has read the applied revisions; etcd may be starting.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.readResumable();
      } catch (error) {
        if (!(error instanceof EtcdUnavailableError)) throw error;
        this.log.error({ area: 'ha', attempt }, `cannot read the applied revisions yet: ${error.message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 500 * attempt)));
      }
    }
  }

  private async readResumable() {
    const names = this.options.environments ?? (await this.backends.storedEnvironments());
    const out = [];
    for (const environment of names) {
      try {
        const applied = await this.store.read(environment);
        if (applied) out.push({ environment, applied });
      } catch (error) {
        if (error instanceof EtcdUnavailableError) throw error;
        this.log.error({ environment, err: error }, 'cannot resume the environment from the state store');
      }
    }
    this.storeRead = true;
    return out;
  }


  private reconciler(environment: string): EnvironmentReconciler {
    let reconciler = this.reconcilers.get(environment);
    if (!reconciler) {
      reconciler = new EnvironmentReconciler(environment, {
        store: this.store,
        sources: this.sources,
        xds: this.xds,
        proxyDirectory: this.backends.proxyDirectory,
        registry: this.registry,
        book: this.book,
        metrics: this.metrics,
        log: this.log.child({ area: 'reconcile' }),
        ackTimeoutMs: this.options.ackTimeoutMs ?? DAEMON_DEFAULTS.ackTimeoutMs,
        terraform: this.terraform,
        reporters: (_env, names) => this.reporters(names),
        validate: (files, env) => this.validate(files, env),
        planMemory: (env) => (this.options.fullRecompute ? undefined : this.cachesOf(env).plan),
        targetUrl: (commit) => `${this.publicUrl}/commits/${commit}`,
        setStaticInstances: (env, instances) => {
          this.staticInstances.set(env, instances);
          this.registry.setStatic([...this.staticInstances.values()].flat());
        },
        stopping: () => this.stopping,
        reconciled: (env) => {
          this.idleCollector.workEnded();
          this.backends.proxyDirectory.changed();
          void this.checkDrift(env);
        },
      });
      this.reconcilers.set(environment, reconciler);
      this.drift.set(environment, { state: 'pending', findings: [] });
    }
    return reconciler;
  }

  /** Hands a revision to its environments' queues, in the order the source noticed them. */
  private dispatch(revision: Revision): Promise<void> {
    this.latestRevision = revision;
    this.dispatching = this.dispatching.then(async () => {
      if (this.stopping) return;
      const names = this.options.environments ?? (await listEnvironments(revision.files).catch(() => [] as string[]));
      // HA: only the leader reconciles; followers serve what it applies, validated ahead.
      if (!this.coordination.isLeader()) {
        if (!revision.worktreeDigest) for (const name of names) this.prefetch.prepare(name, revision.commit, revision.files);
        return;
      }
      if (names.length === 0) this.log.warn({ commit: revision.commit }, 'the revision has no environments/<env>/ folder; nothing to reconcile');
      for (const name of names) this.reconciler(name).queue.push(revision);
    });
    return this.dispatching;
  }

  /** The validate stage, knowing which reporter names the operator declared. */
  private validate(files: FileSource, environment: string): Promise<ValidatedRevision | undefined> {
    return validateRevision(files, environment, this.operatorSelections(), this.options.fullRecompute ? undefined : this.cachesOf(environment));
  }

  /** What the operator declared that a revision may select, and its limits (validate stage, API writes). */
  private operatorSelections(): OperatorSelections {
    return {
      reporters: ['git-notes', ...Object.keys(this.operator.reporters)],
      defaultReporters: this.operator.defaultReporters,
      limits: this.operator.limits,
      addressPolicy: this.addressPolicy,
    };
  }

  private cachesOf(environment: string): RevisionCaches {
    let caches = this.revisionCaches.get(environment);
    if (!caches) this.revisionCaches.set(environment, (caches = revisionCaches()));
    return caches;
  }

  /** The operator-declared reporters an environment selected (made once each, fenced for HA). */
  private reporters(names: readonly string[]): StatusReporter[] {
    this.declaredReporters ??= new DeclaredReporters(this.operator.reporters, {
      gitDir: this.source.gitDir,
      pushNotesTo: this.source.checkout.kind === 'remote' ? 'origin' : undefined,
      token: (ref) => () => this.secrets.of(ref).read(),
      log: this.log.child({ area: 'status' }),
      retry: this.options.reporterRetry,
    });
    return fenceReporters(this.declaredReporters.select(names), this.coordination);
  }

  /** Every secret the operator declared, read once before the daemon listens. */
  private declaredSecrets(): Array<[string, SecretRef]> {
    const o = this.operator;
    const named: Array<[string, SecretRef | undefined]> = [
      ['webhook.secret', this.secretRef(o.webhook.secret, SECRET_VARIABLES.webhook)],
      ['registry.writeToken', this.secretRef(o.registry.writeToken, SECRET_VARIABLES.registryWrite)],
      ['dashboard.token', this.secretRef(o.dashboard.token, SECRET_VARIABLES.dashboard)],
      ...Object.entries(o.reporters).map(([name, r]): [string, SecretRef] => [`reporters.${name}.token`, r.token]),
      ...(o.xds.auth.mode === 'token' ? Object.entries(o.xds.auth.tokens).map(([id, ref]): [string, SecretRef] => [`xds.auth.tokens["${id}"]`, ref]) : []),
    ];
    return named.filter((entry): entry is [string, SecretRef] => entry[1] !== undefined);
  }

  /** A secret of the configuration, else the daemon's conventional variable for it when that is set. */
  private secretRef(ref: SecretRef | undefined, variable: string): SecretRef | undefined {
    return ref ?? ((this.options.variables ?? process.env)[variable] ? { env: variable } : undefined);
  }

  /** The current value of a secret (read at start, re-checked in the background); undefined when none is configured. */
  private secretValue(ref: SecretRef | undefined, variable: string): () => string | undefined {
    const effective = this.secretRef(ref, variable);
    const source = effective && this.secrets.of(effective);
    return () => source?.current();
  }

  private watchXds(): void {
    // A proxy that ACKed once is expected to stay: its going away is drift.
    this.xds.on('ack', (session) => {
      const environment = this.sources.environmentOf(session.proxy);
      if (environment) this.reconcilers.get(environment)?.seenProxies.add(session.key);
    });
    // NACKs arrive within each stream's budget (xds.limits.nacksPerMinute), their text cut to 4 KiB.
    this.xds.on('nack', (session, typeUrl, version, error, suppressedBefore) => {
      const environment = this.sources.environmentOf(session.proxy) ?? 'unknown';
      this.metrics.nacks.inc({ environment, type: typeUrl.split('.').pop() ?? typeUrl }, 1 + suppressedBefore);
      const suppressed = suppressedBefore > 0 ? { suppressedBefore } : {};
      this.log.warn({ environment, proxy: session.key, nodeId: session.nodeId, typeUrl, version, ...suppressed }, `proxy rejected the configuration: ${error}`);
    });
    this.xds.on('stream', (event) => {
      const level = event.event === 'ConnectionRefused' ? 'warn' : 'info';
      this.log[level]({ area: 'xds', ...event }, event.event);
    });
  }

  private checkAllDrift(): void {
    for (const environment of this.reconcilers.keys()) void this.checkDrift(environment);
  }

  /** Re-assesses an environment's drift, and sets `meshplane/<env>/drift` on the live commit when it changed. */
  private async checkDrift(environment: string): Promise<void> {
    const reconciler = this.reconcilers.get(environment);
    const live = reconciler?.live;
    if (!reconciler || !live || this.stopping || reconciler.current || this.driftRunning.has(environment)) return;
    this.driftRunning.add(environment);
    try {
      const connected = reconciler.proxies();
      for (const proxy of connected) reconciler.seenProxies.add(proxy.identity);
      const source = this.sources.of(environment);
      const { findings, state } = await assessDrift({
        environment,
        live,
        connected,
        seen: reconciler.seenProxies,
        served: (identity) => {
          const [kind, meshName, name] = identity.split('/');
          return source.knows({ kind: kind as 'VirtualNode', meshName, name });
        },
        store: this.store,
        staleAfterMs: this.options.ackTimeoutMs ?? DAEMON_DEFAULTS.ackTimeoutMs,
        sourceFailure: this.sourceFailure && `${this.sourceFailure}; serving ${live.commit ? shortCommit(live.commit) : `revision ${live.revision}`}`,
        terraform: { run: this.terraform.run },
      });
      this.metrics.proxiesConnected.set({ environment }, connected.length);
      for (const kind of DRIFT_KINDS) this.metrics.drift.set({ environment, kind }, findings.some((f) => f.kind === kind) ? 1 : 0);
      this.drift.set(environment, { state, findings, checkedAt: new Date().toISOString() });
      if (!live.commit || live.worktree || reconciler.current || !this.coordination.isLeader()) return;
      const description = describeDrift(findings, connected.length, shortCommit(live.commit), live.revision);
      const status = makeStatus(environment, 'drift', state, description, `${this.publicUrl}/commits/${live.commit}`);
      const previous = this.book.current(live.commit, status.context);
      if (previous?.state === status.state && previous.description === status.description) return;
      if (findings.length > 0) this.log.warn({ environment, commit: live.commit, findings }, 'drift');
      else if (previous && previous.state !== 'success') this.log.info({ environment, commit: live.commit }, 'drift resolved');
      this.book.set(live.commit, [status], live.reporters);
    } catch (error) {
      this.log.error({ environment, err: error }, 'drift check failed');
    } finally {
      this.driftRunning.delete(environment);
    }
  }

  environments(): EnvironmentView[] {
    return [...this.reconcilers.values()]
      .map((r): EnvironmentView => {
        const sync = syncReport(r.proxies());
        const drift = this.drift.get(r.name)!;
        return {
          name: r.name,
          live: r.live && { commit: r.live.commit, revision: r.live.revision, subject: r.live.subject, servedAt: r.live.servedAt, worktree: r.live.worktree },
          reconciling: r.current && { revision: r.current.id, stage: r.current.stage },
          queued: r.queue.hasWaiting(),
          last: r.last && { revision: r.last.id, commit: r.last.commit, result: r.last.result, finishedAt: r.last.finishedAt, description: r.last.description, sync: r.last.sync },
          proxies: { connected: sync.total, synced: sync.acked, nacked: sync.nacked.length, pending: sync.pending.length },
          drift: { state: drift.state, findings: drift.findings, checkedAt: drift.checkedAt },
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Per environment, its live commit and the `proxies` counts environments() reports, without
   * building every proxy's status: the dashboard's convergence recorder samples it during pushes.
   */
  proxyCounts(): EnvironmentProxyCounts[] {
    return [...this.reconcilers.values()]
      .map((r) => ({ name: r.name, live: r.live && { commit: r.live.commit, servedAt: r.live.servedAt }, proxies: r.proxyCounts() }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  readiness(): { ready: boolean; reasons: string[] } {
    const reasons: string[] = [];
    if (this.stopping) reasons.push('the daemon is stopping');
    const store = this.coordination.status().store;
    if (!store.reachable) reasons.push(store.error ?? 'the state store is unreachable');
    if (!this.storeRead) reasons.push('the applied revisions have not been read from the state store yet');
    const source = this.source?.status();
    if (!source?.lastCheckAt) reasons.push('the repository has not been checked yet');
    if (this.reconcilers.size === 0) reasons.push(source?.lastError ? `no environment to serve: ${source.lastError.message}` : 'no environment found yet');
    for (const r of this.reconcilers.values()) {
      if (!r.live && !r.last) reasons.push(`environment ${r.name} has not been reconciled yet`);
    }
    return { ready: reasons.length === 0, reasons };
  }

  /** Statuses of a commit: those set since the daemon started, else the git notes. */
  async commitStatuses(sha: string): Promise<CommitStatuses | undefined> {
    const remembered = this.book.get(sha);
    if (remembered) return remembered;
    if (!/^[0-9a-f]{4,64}$/i.test(sha)) return undefined;
    const git = this.source.checkout.git();
    const commit = await resolveCommit(git, sha).catch(() => undefined);
    const note = commit ? await readNote(git, commit).catch(() => undefined) : undefined;
    return note && note.statuses.length > 0 ? note : undefined;
  }

  private router(): HttpRouter {
    const webhookSecret = this.secretValue(this.operator.webhook.secret, SECRET_VARIABLES.webhook);
    return new HttpRouter()
      .mount(
        daemonRoutes({
          healthy: () => !this.stopping,
          readiness: () => this.readiness(),
          metrics: async () => ({ contentType: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() }),
          environments: () => this.environments(),
          source: () => this.source.status(),
          commit: (sha) => this.commitStatuses(sha),
          webhook: {
            // Read per delivery from the secret's cache: a rotated file takes effect without a restart.
            get secret() {
              return webhookSecret();
            },
            replayWindowMs: this.operator.webhook.replayWindowSeconds === undefined ? undefined : this.operator.webhook.replayWindowSeconds * 1000,
            branch: this.options.branch ?? DAEMON_DEFAULTS.branch,
            onPush: (push) => {
              this.log.info({ forge: push.forge, after: push.after, repository: push.repository }, 'push webhook: checking the repository');
              void this.source.check();
            },
          },
        }),
      )
      .mount(proxiesRoutes(this.xds))
      .mount(dashboardRoutes(daemonDashboardSource(this), { token: this.secretValue(this.operator.dashboard.token, SECRET_VARIABLES.dashboard)() }))
      .mount(registryRoutes(this.registry, { writeToken: this.secretValue(this.operator.registry.writeToken, SECRET_VARIABLES.registryWrite), allowUnauthenticatedWrites: this.operator.registry.allowUnauthenticatedWrites, addressPolicy: this.addressPolicy }))
      .mount(coordinationRoutes(this.coordination))
      .mount(this.appMeshApi.routes);
  }

  /** Shows where live calls go on the dashboard (`meshplane start --demo` measures its client's calls). */
  showTraffic(source: () => TrafficReport[]): void {
    this.trafficSource = source;
  }

  traffic(): TrafficReport[] {
    return this.trafficSource?.() ?? [];
  }

  /** Resolves when every queued reconcile has finished (tests and the benchmark). */
  async idle(): Promise<void> {
    await this.dispatching;
    for (const reconciler of this.reconcilers.values()) await reconciler.queue.idle();
  }

  /**
   * Graceful stop (SIGTERM): no new work; the running reconcile finishes (its ACK wait ends at
   * once with an `error` sync status), statuses are flushed, xDS streams end with OK so proxies
   * keep their configuration and reconnect, and the HTTP port closes.
   */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.driftTimer);
    this.idleCollector.stop();
    const grace = this.options.stopGraceMs ?? DAEMON_DEFAULTS.stopGraceMs;
    await this.source?.stop();
    await withTimeout(Promise.all([...this.reconcilers.values()].map((r) => r.queue.close())), grace);
    await this.book.flush(grace);
    await this.xds?.stop(Math.min(grace, 5_000));
    this.stopFollowing?.();
    // Bounded: with etcd unreachable, resigning and revoking leases would wait on it forever.
    await withTimeout(this.coordination.stop(), STOP_STEP_MS);
    await withTimeout(this.backends.close(), STOP_STEP_MS);
    this.sources.close();
    // The reconciles and the status flush above may read the repository after the source stopped.
    if (this.source) GitObjects.of(this.source.gitDir).close();
    await withTimeout(this.http?.close() ?? Promise.resolve(), STOP_STEP_MS);
    await this.dataDirLock?.release();
    this.stopSpawnReports?.();
    this.log.info('meshplane daemon stopped');
  }
}

export function splitListen(flag: string, value: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(value);
  if (!match || Number(match[2]) > 65535) throw badListenAddress(flag, value);
  return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
