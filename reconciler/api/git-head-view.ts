// What the API reads: each environment as the head of the tracked branch has it, with the
// metadata of head-metadata.ts — not only the applied revision, so a write is readable at once.
// A snapshot is built once per (head commit, applied revision) and shared by every read; the
// branch head is looked up at most every HEAD_RECHECK_MS, and at once after an API write (the
// writer's commit is noted, and used while the branch has not moved past it).
import { SimpleGit } from 'simple-git';
import { EnvironmentConfig } from '../../provider/environment/environment-config';
import { GitObjects } from '../load/git-objects';
import { GitTreeSource } from '../load/git-tree-source';
import { listEnvironments, loadEnvironment, LoadLimits } from '../load/load-environment';
import { gitAt, isAncestor, resolveCommit } from '../source/git';
import { readCommit } from '../source/commit-object';
import { AppliedResource, AppliedRevision, StateStore } from '../state';
import { headResource } from './head-metadata';

const HEAD_RECHECK_MS = 250;
const APPLIED_RECHECK_MS = 2_000;

export interface EnvironmentSnapshot {
  environment: string;
  commit: string;
  config: EnvironmentConfig;
  /** Sorted by key, the order List* pages through. */
  resources: readonly AppliedResource[];
  byKey: ReadonlyMap<string, AppliedResource>;
}

export interface GitHeadViewOptions {
  /** The git directory holding the branch (the daemon's checkout). */
  gitDir: string;
  /** The ref whose commit is the head: refs/heads/<branch>, or the clone's tracking ref. */
  ref: string;
  store: StateStore;
  limits?: LoadLimits;
  /** Environments served (default: every folder under environments/ at the head). */
  environments?: readonly string[];
}

export class GitHeadView {
  private gitHandle: SimpleGit | undefined;
  private head: { commit: string; at: number } | undefined;
  private written: string | undefined;
  private readonly applied = new Map<string, { revision: AppliedRevision | undefined; at: number }>();
  private readonly snapshots = new Map<string, { id: string; snapshot: Promise<EnvironmentSnapshot | undefined> }>();
  private readonly listings = new Map<string, Promise<string[]>>();

  constructor(private readonly options: GitHeadViewOptions) {}

  /** Opened on first use: a daemon's clone is made after the API is created. */
  private get git(): SimpleGit {
    this.gitHandle ??= gitAt(this.options.gitDir);
    return this.gitHandle;
  }

  /** An API write committed `commit` on the branch: reads see it from now on. */
  noteCommit(commit: string): void {
    this.written = commit;
    this.head = undefined;
  }

  /** The commit reads are served from. */
  async headCommit(): Promise<string> {
    if (this.head && Date.now() - this.head.at < HEAD_RECHECK_MS) return this.head.commit;
    const branch = await resolveCommit(this.git, this.options.ref);
    if (!branch) throw new Error(`${this.options.ref} does not exist in ${this.options.gitDir}; nothing to serve yet.`);
    let commit = branch;
    // The writer's commit may not be on the ref yet (a clone's tracking ref moves on the next fetch).
    if (this.written !== undefined && this.written !== branch) {
      if (await isAncestor(this.git, branch, this.written)) commit = this.written;
      else this.written = undefined;
    }
    this.head = { commit, at: Date.now() };
    return commit;
  }

  /** The environments served at the head. */
  async environments(): Promise<string[]> {
    if (this.options.environments) return [...this.options.environments];
    const commit = await this.headCommit();
    let listing = this.listings.get(commit);
    if (!listing) {
      listing = GitTreeSource.open(this.options.gitDir, commit).then((tree) => listEnvironments(tree));
      this.listings.clear();
      this.listings.set(commit, listing);
    }
    return listing;
  }

  /** The environment at the head; undefined when the head has no such environment. */
  async snapshot(environment: string): Promise<EnvironmentSnapshot | undefined> {
    const commit = await this.headCommit();
    const applied = await this.appliedRevision(environment);
    const id = `${commit}@${applied?.revision ?? 0}`;
    const cached = this.snapshots.get(environment);
    if (cached?.id === id) return cached.snapshot;
    const snapshot = this.build(environment, commit, applied);
    this.snapshots.set(environment, { id, snapshot });
    snapshot.catch(() => this.snapshots.get(environment)?.snapshot === snapshot && this.snapshots.delete(environment));
    return snapshot;
  }

  private async appliedRevision(environment: string): Promise<AppliedRevision | undefined> {
    const cached = this.applied.get(environment);
    if (cached && Date.now() - cached.at < APPLIED_RECHECK_MS) return cached.revision;
    const revision = await this.options.store.read(environment);
    this.applied.set(environment, { revision, at: Date.now() });
    return revision;
  }

  private async build(environment: string, commit: string, applied: AppliedRevision | undefined): Promise<EnvironmentSnapshot | undefined> {
    const tree = await GitTreeSource.open(this.options.gitDir, commit);
    if (!(await tree.exists(`environments/${environment}`))) return undefined;
    const loaded = await loadEnvironment(tree, environment, this.options.limits);
    const described = await readCommit(GitObjects.of(this.options.gitDir), commit);
    if (!described) throw new Error(`commit ${commit} is missing from ${this.options.gitDir}`);
    const { committedAt } = described.info;
    const appliedByKey = new Map((applied?.resources ?? []).map((r) => [r.key, r]));
    const context = { config: loaded.config, applied, committedAt: new Date(committedAt).toISOString() };
    const byKey = new Map<string, AppliedResource>();
    for (const resource of loaded.resources) {
      if (!byKey.has(resource.key)) byKey.set(resource.key, headResource(resource, appliedByKey, context));
    }
    const resources = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { environment, commit, config: loaded.config, resources, byKey };
  }
}
