// Where an API commit goes. A local repository: the branch ref moves with a compare-and-swap
// (`git update-ref <new> <old>`), or, when the branch is checked out, by a fast-forward of that
// working tree, so the user's checkout follows and their uncommitted edits stay. A remote: the
// commit is pushed without force from the daemon's clone; a push rejected because someone else
// pushed first means "the branch moved", and the writer starts again from the new head.
import { LocalRepository } from '../../source/local-repository';
import { Checkout } from '../../source/checkout';
import { GitCommandError, runGit } from './git-commit';

export type AdvanceOutcome =
  | { status: 'advanced' }
  /** Someone else moved the branch since `head()`: apply the change again on the new head. */
  | { status: 'moved' }
  /** The repository refused the commit for another reason (a protected branch, a hook, local edits in the way). */
  | { status: 'refused'; reason: string };

export interface BranchTarget {
  readonly gitDir: string;
  /** The branch head now (fetched first, for a remote). */
  head(): Promise<string>;
  /** Makes `commit` (a child of `from`) the branch head. */
  advance(from: string, commit: string): Promise<AdvanceOutcome>;
}

export function branchTarget(checkout: Checkout, branch: string): BranchTarget {
  return checkout instanceof LocalRepository ? new LocalBranch(checkout, branch) : new RemoteBranch(checkout, branch);
}

class LocalBranch implements BranchTarget {
  readonly gitDir: string;

  constructor(
    private readonly repository: LocalRepository,
    private readonly branch: string,
  ) {
    this.gitDir = repository.gitDir;
  }

  head(): Promise<string> {
    return this.repository.refresh();
  }

  async advance(from: string, commit: string): Promise<AdvanceOutcome> {
    const ref = `refs/heads/${this.branch}`;
    const worktree = this.repository.worktree;
    const checkedOut = worktree !== undefined && (await runGit(this.gitDir, ['symbolic-ref', '-q', 'HEAD']).catch(() => '')).trim() === ref;
    if (!checkedOut) {
      try {
        await runGit(this.repository.commonDir, ['update-ref', '-m', 'meshplane: App Mesh API', ref, commit, from]);
        return { status: 'advanced' };
      } catch {
        return { status: 'moved' };
      }
    }
    if ((await this.head()) !== from) return { status: 'moved' };
    try {
      await runGit(this.gitDir, ['--work-tree', worktree, '-c', 'core.hooksPath=/dev/null', 'merge', '--ff-only', '--quiet', commit]);
      return { status: 'advanced' };
    } catch (error) {
      if ((await this.head()) !== from) return { status: 'moved' };
      const detail = error instanceof GitCommandError ? error.stderr.split('\n').slice(0, 4).join(' ') : String(error);
      return { status: 'refused', reason: `the branch ${this.branch} is checked out in ${worktree} and its working tree could not be fast-forwarded: ${detail}` };
    }
  }
}

class RemoteBranch implements BranchTarget {
  readonly gitDir: string;

  constructor(
    checkout: Checkout,
    private readonly branch: string,
  ) {
    this.gitDir = checkout.gitDir;
  }

  /** The remote's head, fetched into a ref of the writer's own (the daemon's fetches update theirs). */
  async head(): Promise<string> {
    const ref = `refs/meshplane/api/${this.branch}`;
    await runGit(this.gitDir, ['fetch', '--no-tags', '--no-write-fetch-head', '--quiet', 'origin', `+refs/heads/${this.branch}:${ref}`]);
    return (await runGit(this.gitDir, ['rev-parse', '--verify', `${ref}^{commit}`])).trim();
  }

  /**
   * Moves the clone's tracking ref to the pushed commit, so what reads the clone (the API's reads,
   * the daemon's next check) sees the write at once; never backwards over a newer fetch.
   */
  private async follow(commit: string): Promise<void> {
    const tracking = `refs/remotes/origin/${this.branch}`;
    const current = (await runGit(this.gitDir, ['rev-parse', '--verify', '-q', tracking]).catch(() => '')).trim();
    if (current !== '' && (await runGit(this.gitDir, ['merge-base', current, commit]).catch(() => '')).trim() !== current) return;
    await runGit(this.gitDir, ['update-ref', tracking, commit, ...(current ? [current] : [])]).catch(() => undefined);
  }

  async advance(_from: string, commit: string): Promise<AdvanceOutcome> {
    try {
      await runGit(this.gitDir, ['push', '--porcelain', '--quiet', 'origin', `${commit}:refs/heads/${this.branch}`]);
      await this.follow(commit);
      return { status: 'advanced' };
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      // --porcelain: `!\t<from>:<to>\t[rejected] (fetch first)`, or `[remote rejected] (<hook's reason>)`.
      const line = error.stdout.split('\n').find((l) => l.startsWith('!'));
      if (line === undefined) throw error;
      const summary = line.split('\t')[2] ?? line;
      if (/^\[rejected\]/.test(summary)) return { status: 'moved' };
      return { status: 'refused', reason: `the remote refused the push: ${summary}` };
    }
  }
}
