// The pipeline of one environment, one revision at a time: validate → plan → apply (state
// store) → push xDS → wait for the proxies' ACKs → commit statuses. A revision that fails before
// apply changes nothing: the live revision keeps serving and the commit's statuses say why.
import type { Logger } from 'pino';
import { MeshModel } from '../../provider/model/mesh-model';
import { Resource, syntheticSource } from '../../provider/model/resource';
import { defaultEnvironment, EnvironmentConfig } from '../../provider/environment/environment-config';
import { FileSource } from '../load/file-source';
import { applyEnvironment, ApplyEnvironmentResult, PlanMemory, summaryLine } from '../plan';
import { InstanceRegistry } from '../registry';
import { StaticInstance } from '../registry/endpoint-registry';
import { Revision, shortCommit } from '../source/revision';
import { errorText } from '../source/git';
import { StateStore } from '../state/state-store';
import { AppliedRevision } from '../state/state-types';
import { StatusReporter } from '../status/reporter';
import { applyTerraformStage, DaemonTerraform, planTerraformStage, terraformPlanText } from '../terraform/pipeline-stage';
import { makeStatus, Stage, Status, StatusState } from '../status/status';
import type { ProxyCounts, ProxyDirectory, ProxySummary } from '../ha';
import { XdsServer } from '../xds/xds-server';
import { EnvironmentSources } from './environment-sources';
import { DaemonMetrics } from './metrics';
import { SerialQueue } from './serial-queue';
import { StatusBook } from './status-book';
import { describeSync, SyncReport, waitForSync } from './sync-watch';
import { describeFindings, terraformInput, ValidatedRevision } from './load-revision';

/** What the reconciler needs from the daemon around it. */
export interface ReconcilerContext {
  store: StateStore;
  sources: EnvironmentSources;
  xds: XdsServer;
  /** Connected proxies of every replica (HA), counted by the sync status. */
  proxyDirectory: ProxyDirectory;
  registry: InstanceRegistry;
  book: StatusBook;
  metrics: DaemonMetrics;
  log: Logger;
  ackTimeoutMs: number;
  /** How the operator runs Terraform (stacks under `<data-dir>/terraform`), and whether the daemon applies. */
  terraform: DaemonTerraform;
  /** The operator-declared reporters of these names (environment.yaml's status.reporters). */
  reporters(environment: string, names: readonly string[]): StatusReporter[];
  /** The validate stage, with what the operator declared (reporter names). */
  validate(files: FileSource, environment: string): Promise<ValidatedRevision | undefined>;
  /** What the last plan of an environment kept (undefined with --full-recompute: every plan is full). */
  planMemory(environment: string): PlanMemory | undefined;
  targetUrl(commit: string): string;
  /** Static instances of every environment are served together; this replaces one environment's. */
  setStaticInstances(environment: string, instances: readonly StaticInstance[]): void;
  stopping(): boolean;
  /** Called after every reconcile (the daemon re-checks drift). */
  reconciled(environment: string): void;
}

/** The revision an environment serves. */
export interface LiveRevision {
  commit: string | null;
  /** The state store's revision number it was applied as. */
  revision: number;
  subject?: string;
  servedAt: string;
  /** Served from uncommitted files (--watch-worktree): no commit statuses for it. */
  worktree: boolean;
  /** The statuses' reporters of that revision (drift statuses go there too). */
  reporters: StatusReporter[];
  /** Its validated environment (settings and model for drift checks); absent when served from stored resources. */
  validated?: ValidatedRevision;
}

export type ReconcileResult = 'applied' | 'unchanged' | 'invalid' | 'blocked' | 'failed' | 'superseded';

export interface ReconcileOutcome {
  id: string;
  commit: string;
  result: ReconcileResult;
  finishedAt: string;
  sync?: SyncReport;
  description: string;
}

export class EnvironmentReconciler {
  readonly queue: SerialQueue<Revision>;
  live: LiveRevision | undefined;
  last: ReconcileOutcome | undefined;
  current: { id: string; commit: string; stage: Stage } | undefined;
  /** Proxies seen connected, to notice the ones that disconnect. */
  readonly seenProxies = new Set<string>();

  constructor(
    readonly name: string,
    private readonly ctx: ReconcilerContext,
  ) {
    this.queue = new SerialQueue((revision) => this.reconcile(revision), {
      superseded: (revision, by) => ctx.log.info({ environment: name, commit: revision.commit, by: by.commit }, 'revision superseded before it was reconciled'),
      failed: (revision, error) => ctx.log.error({ environment: name, commit: revision.commit, err: error }, 'reconcile failed unexpectedly'),
    });
  }

  /** Connected proxy streams this environment serves, on every replica. */
  proxies(): ProxySummary[] {
    return this.ctx.proxyDirectory.proxies(this.name, this.live?.revision);
  }

  /** How many of those are synced, pending or nacked, without building their statuses. */
  proxyCounts(): ProxyCounts {
    return this.ctx.proxyDirectory.counts(this.name, this.live?.revision);
  }

  /**
   * Serves what the state store says is applied, before the source is asked anything (a restart):
   * the same model gives the same xDS versions, so connected proxies get no push.
   */
  async resume(applied: AppliedRevision, files: FileSource | undefined, validatedAlready?: ValidatedRevision): Promise<void> {
    const validated = validatedAlready ?? (files ? await this.ctx.validate(files, this.name).catch(() => undefined) : undefined);
    let model: MeshModel;
    let config: EnvironmentConfig;
    if (validated?.valid) {
      model = validated.model;
      config = validated.loaded.config;
      this.ctx.setStaticInstances(this.name, validated.discovery.instances);
    } else {
      // The commit is gone (force-pushed away, clone not there yet): serve the stored resources.
      model = new MeshModel(applied.resources.map((r): Resource => ({ kind: r.identity.kind, identity: r.identity, key: r.key, doc: r.doc, source: syntheticSource(`state revision ${applied.revision}`) })));
      // …with the settings it was applied with (revisions record the ones that change translation).
      config = { ...defaultEnvironment(this.name), ...applied.settings };
      this.ctx.setStaticInstances(this.name, config.discovery.instances);
    }
    this.ctx.sources.of(this.name).apply(model, config);
    this.live = {
      commit: applied.commit,
      revision: applied.revision,
      servedAt: new Date().toISOString(),
      worktree: false,
      reporters: validated ? this.ctx.reporters(this.name, validated.reporters) : [],
      validated,
    };
    this.ctx.log.info({ environment: this.name, revision: applied.revision, commit: applied.commit }, 'serving the applied revision from the state store');
  }

  private async reconcile(revision: Revision): Promise<void> {
    const started = Date.now();
    const log = this.ctx.log.child({ environment: this.name, commit: revision.commit, revision: revision.id });
    if (this.live && this.live.commit === revision.commit && !revision.worktreeDigest && (await this.storeAt(this.live.revision))) {
      log.info('revision is already live');
      return;
    }
    this.current = { id: revision.id, commit: revision.commit, stage: 'validate' };
    const short = shortCommit(revision.commit);
    const keeps = this.live?.commit ? `${shortCommit(this.live.commit)} keeps serving` : 'nothing was served before';
    let reporters = this.live?.reporters ?? [];
    const report = (statuses: Status[]) => this.ctx.book.set(revision.id, statuses, revision.worktreeDigest ? [] : reporters);
    const status = (stage: Stage, state: StatusState, description: string) => makeStatus(this.name, stage, state, description, this.ctx.targetUrl(revision.commit));
    const finish = (result: ReconcileResult, description: string, sync?: SyncReport) => {
      this.last = { id: revision.id, commit: revision.commit, result, finishedAt: new Date().toISOString(), description, sync };
      this.current = undefined;
      this.ctx.metrics.reconciles.inc({ environment: this.name, result });
      this.ctx.metrics.reconcileDuration.observe({ environment: this.name, result }, (Date.now() - started) / 1000);
      log.info({ result, ms: Date.now() - started }, description);
      this.ctx.reconciled(this.name);
    };
    const notApplied = (why: string) => [
      status('plan', 'failure', `not planned: ${why}`),
      status('apply', 'failure', `not applied: ${why}; ${keeps}`),
      status('sync', 'failure', `not pushed: ${keeps}`),
    ];

    // validate
    let validated: ValidatedRevision | undefined;
    try {
      validated = await this.ctx.validate(revision.files, this.name);
    } catch (error) {
      report([status('validate', 'error', `cannot read the commit: ${errorText(error)}`), ...notApplied('the commit could not be read')]);
      return finish('failed', `cannot read the revision: ${errorText(error)}`);
    }
    if (!validated) {
      const description = `environments/${this.name}/ is not in this commit; ${keeps}`;
      report([status('validate', 'failure', description), ...notApplied(`environments/${this.name}/ is missing`)]);
      return finish('invalid', description);
    }
    reporters = this.ctx.reporters(this.name, validated.reporters);
    if (!validated.valid) {
      report([status('validate', 'failure', describeFindings(validated.diagnostics)), ...notApplied('validation failed')]);
      return finish('invalid', describeFindings(validated.diagnostics));
    }
    const { loaded } = validated;
    report([
      status('validate', 'success', `valid: ${loaded.resources.length} resources in ${loaded.files.length} files`),
      status('plan', 'pending', 'planning against the applied revision'),
      status('apply', 'pending', 'waiting for the plan'),
      status('sync', 'pending', 'waiting for the apply'),
    ]);

    // Terraform (terraform.enabled): plan the stack before anything is applied; a failure applies nothing.
    const terraform = await planTerraformStage(terraformInput(validated), this.ctx.terraform, log);
    if (terraform.failure) {
      report([status('plan', 'failure', terraform.failure.description), ...notApplied('the Terraform plan failed').slice(1)]);
      return finish('failed', terraform.failure.description);
    }

    // plan + apply (one call: the plan is made under the environment's lock)
    this.current.stage = 'apply';
    let applied: ApplyEnvironmentResult;
    try {
      applied = await applyEnvironment({
        store: this.ctx.store,
        config: loaded.config,
        desired: loaded.resources,
        commit: revision.commit,
        lockTimeoutMs: 30_000,
        operation: `meshplane serve (commit ${short})`,
        memory: this.ctx.planMemory(this.name),
      });
    } catch (error) {
      report([status('plan', 'error', 'not planned: the state store failed'), status('apply', 'error', errorText(error)), status('sync', 'failure', `not pushed: ${keeps}`)]);
      return finish('failed', errorText(error));
    }
    if (applied.status === 'blocked') {
      report([
        status('plan', 'failure', describeFindings(applied.plan.diagnostics)),
        status('apply', 'failure', `not applied: the plan has errors; ${keeps}`),
        status('sync', 'failure', `not pushed: ${keeps}`),
      ]);
      return finish('blocked', describeFindings(applied.plan.diagnostics));
    }
    const revisionNumber = applied.revision?.revision ?? applied.previous?.revision ?? 0;
    const meshPlanText = applied.status === 'applied' ? summaryLine(applied.plan.summary) : 'No changes: the applied revision matches this commit.';
    const planText = [meshPlanText, terraformPlanText(terraform)].filter(Boolean).join(' ');
    const meshApplyText = applied.status === 'applied' ? `revision ${revisionNumber} applied` : `no changes; revision ${revisionNumber} stays applied`;
    const infrastructure = await applyTerraformStage(terraform, this.ctx.terraform, log);
    const applyText = infrastructure ? `${meshApplyText}; ${infrastructure.description}` : meshApplyText;

    // push
    this.current.stage = 'sync';
    this.ctx.setStaticInstances(this.name, validated.discovery.instances);
    const changed = this.ctx.sources.of(this.name).apply(validated.model, loaded.config);
    this.live = { commit: revision.commit, revision: revisionNumber, subject: revision.info.subject, servedAt: new Date().toISOString(), worktree: Boolean(revision.worktreeDigest), reporters, validated };
    report([status('plan', 'success', planText), status('apply', infrastructure?.state ?? 'success', applyText), status('sync', 'pending', `pushing to ${changed.size} changed proxies`)]);

    // ACKs
    const { report: sync, end } = await waitForSync(this.ctx.xds, () => this.proxies(), {
      timeoutMs: this.ctx.ackTimeoutMs,
      interrupted: () => (this.ctx.stopping() ? 'stopping' : this.queue.hasWaiting() ? 'superseded' : undefined),
    });
    for (const proxy of this.proxies()) this.seenProxies.add(proxy.identity);
    const synced = describeSync(sync, end, short, this.ctx.ackTimeoutMs);
    if (end === 'synced' && sync.nacked.length === 0) this.ctx.metrics.commitToAcked.observe({ environment: this.name }, (Date.now() - revision.detectedAt) / 1000);
    report([status('sync', synced.state, synced.description)]);
    finish(end === 'superseded' ? 'superseded' : applied.status === 'applied' ? 'applied' : 'unchanged', synced.description, sync);
  }

  /** Whether the state store is still at the revision this environment serves. */
  private async storeAt(revision: number): Promise<boolean> {
    const stored = await this.ctx.store.read(this.name).catch(() => undefined);
    return (stored?.revision ?? 0) === revision;
  }
}

