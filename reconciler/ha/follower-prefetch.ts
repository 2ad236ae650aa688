// A follower polls the branch as the leader does, so it sees a new commit about when the leader
// starts reconciling it. It validates that commit at once, while the leader plans and commits the
// revision to etcd: when the leader's revision of that commit arrives, serving it is only the
// translation. Validations of an environment run one at a time (they share its incremental caches).

export type ValidateFiles<F, V> = (files: F, environment: string) => Promise<V | undefined>;

interface Prepared<F, V> {
  commit: string;
  files: F;
  validated: Promise<V | undefined>;
}

export class FollowerPrefetch<F, V> {
  /** Per environment, the newest commit validated ahead (older ones are never served by a follower that saw a newer one applied). */
  private readonly prepared = new Map<string, Prepared<F, V>>();
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(private readonly validate: ValidateFiles<F, V>) {}

  /** Validates a commit the leader is expected to apply. */
  prepare(environment: string, commit: string, files: F): void {
    if (this.prepared.get(environment)?.commit === commit) return;
    this.prepared.set(environment, { commit, files, validated: this.serially(environment, () => this.validate(files, environment)) });
  }

  /** The files and validation of a commit the leader applied: prepared ahead when it was, else now. */
  async validated(environment: string, commit: string, readFiles: () => Promise<F | undefined>): Promise<{ files: F | undefined; validated: V | undefined }> {
    const prepared = this.prepared.get(environment);
    if (prepared?.commit === commit) return { files: prepared.files, validated: await prepared.validated };
    const files = await readFiles();
    return { files, validated: files ? await this.serially(environment, () => this.validate(files, environment)) : undefined };
  }

  private serially(environment: string, run: () => Promise<V | undefined>): Promise<V | undefined> {
    const result = (this.chains.get(environment) ?? Promise.resolve()).then(run).catch(() => undefined);
    this.chains.set(environment, result);
    return result;
  }
}
