// --repo <url>: a bare clone under the data dir holding only the tracked branch, fetched on
// every check. A failed fetch is classified by asking the remote directly (git ls-remote):
// no answer means the remote is unreachable; an answer means the clone itself is damaged,
// and it is replaced by a fresh clone (built beside it, then swapped in).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { SimpleGit } from 'simple-git';
import { GitObjects } from '../load/git-objects';
import { Checkout, KEPT_REFS } from './checkout';
import { corruptedCheckout, missingBranch, redactUrl, SourceError, unreachableRemote } from './errors';
import { errorText, gitAt } from './git';
import { cloneDirectoryName } from './location';

export class RemoteClone implements Checkout {
  readonly kind = 'remote';
  readonly label: string;
  readonly gitDir: string;
  private suspicion: string | undefined;

  constructor(
    readonly url: string,
    readonly branch: string,
    private readonly dataDir: string,
    private readonly log: Logger,
  ) {
    this.label = redactUrl(url);
    const hash = createHash('sha256').update(url).digest('hex');
    this.gitDir = path.join(dataDir, 'source', cloneDirectoryName(url, hash));
  }

  git(): SimpleGit {
    return gitAt(this.gitDir);
  }

  private get trackingRef(): string {
    return `refs/remotes/origin/${this.branch}`;
  }

  async refresh(): Promise<string> {
    const damage = this.suspicion ?? (await this.damage());
    if (damage !== undefined) await this.reclone(damage);
    try {
      return await this.fetch();
    } catch (error) {
      if (error instanceof SourceError) throw error;
      const reason = errorText(error);
      await this.classify(reason); // throws when the remote or the branch is the problem
      await this.reclone(reason);
      return this.fetch();
    }
  }

  async keep(commit: string): Promise<void> {
    await this.git().raw(['update-ref', `${KEPT_REFS}/${commit}`, commit]);
  }

  suspect(reason: string): void {
    this.suspicion = reason;
  }

  private async fetch(): Promise<string> {
    await this.git().raw(['fetch', '--no-tags', '--no-write-fetch-head', 'origin', `+refs/heads/${this.branch}:${this.trackingRef}`]);
    const objects = GitObjects.of(this.gitDir);
    const head = await objects.info(`${this.trackingRef}^{commit}`);
    if (!head) throw new Error(`${this.trackingRef} is missing after a successful fetch`);
    // A fetch that finds nothing new does not check objects it already has.
    const tree = await objects.info(`${head.oid}^{tree}`);
    if (!tree) throw corruptedCheckout(this.gitDir, `commit ${head.oid} is missing from the clone`);
    return head.oid;
  }

  /** Why the clone cannot be used as it is, or undefined when it looks sound. */
  private async damage(): Promise<string | undefined> {
    if (!fs.existsSync(this.gitDir)) return 'there is no clone yet';
    try {
      const bare = (await this.git().raw(['rev-parse', '--is-bare-repository'])).trim();
      const url = (await this.git().raw(['config', '--get', 'remote.origin.url'])).trim();
      if (bare !== 'true') return 'it is not a bare repository';
      if (url !== this.url) return 'its remote.origin.url was changed';
      return undefined;
    } catch (error) {
      return errorText(error);
    }
  }

  /** Throws the error that explains a failed fetch when the remote (or its branch) is at fault. */
  private async classify(reason: string): Promise<void> {
    let heads: string;
    try {
      heads = await gitAt(this.dataDir).raw(['ls-remote', '--heads', this.url]);
    } catch (error) {
      throw unreachableRemote(this.url, errorText(error) || reason);
    }
    const branches = heads
      .split('\n')
      .map((line) => line.split('\t')[1])
      .filter((ref): ref is string => Boolean(ref))
      .map((ref) => ref.replace(/^refs\/heads\//, ''));
    if (!branches.includes(this.branch)) throw missingBranch(this.url, this.branch, branches);
  }

  private async reclone(reason: string): Promise<void> {
    GitObjects.of(this.gitDir).close(); // its process reads the clone being replaced
    const fresh = `${this.gitDir}.new-${process.pid}`;
    const exists = fs.existsSync(this.gitDir);
    if (exists) this.log.warn({ gitDir: this.gitDir, reason }, corruptedCheckout(this.gitDir, reason).message);
    else this.log.info({ gitDir: this.gitDir, url: this.label }, 'cloning the repository into the data dir');
    fs.rmSync(fresh, { recursive: true, force: true });
    fs.mkdirSync(fresh, { recursive: true });
    const git = gitAt(fresh);
    await git.raw(['init', '--bare', '--quiet']);
    await git.raw(['config', 'remote.origin.url', this.url]);
    if (exists) {
      const trash = `${this.gitDir}.old-${process.pid}`;
      fs.rmSync(trash, { recursive: true, force: true });
      fs.renameSync(this.gitDir, trash);
      fs.renameSync(fresh, this.gitDir);
      fs.rmSync(trash, { recursive: true, force: true });
    } else {
      fs.renameSync(fresh, this.gitDir);
    }
    this.suspicion = undefined;
  }
}
