// --repo <dir>: a repository on disk, read in place (never fetched or modified except notes).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SimpleGit } from 'simple-git';
import { Checkout } from './checkout';
import { missingBranch, missingDirectory, notARepository } from './errors';
import { GitObjects } from '../load/git-objects';
import { errorText, gitAt } from './git';

export class LocalRepository implements Checkout {
  readonly kind = 'local';
  readonly label: string;

  private constructor(
    /** The top of the working tree (undefined for a bare repository). */
    readonly worktree: string | undefined,
    readonly gitDir: string,
    /** Where refs live (differs from gitDir in a linked worktree). */
    readonly commonDir: string,
    readonly branch: string,
  ) {
    this.label = worktree ?? gitDir;
  }

  static async open(dir: string, branch: string): Promise<LocalRepository> {
    if (!fs.existsSync(dir)) throw missingDirectory(dir);
    const git = gitAt(dir);
    let answers: string[];
    try {
      answers = (await git.raw(['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--git-common-dir'])).trim().split('\n');
    } catch (error) {
      throw notARepository(dir, errorText(error));
    }
    const [bare, gitDir, common] = answers;
    const commonDir = path.resolve(dir, common);
    if (bare === 'true') return new LocalRepository(undefined, gitDir, commonDir, branch);
    const top = (await git.raw(['rev-parse', '--show-toplevel'])).trim();
    if (fs.realpathSync(top) !== fs.realpathSync(dir)) {
      throw notARepository(dir, `it is a folder inside the repository ${top}; pass the repository's top folder, which holds environments/`);
    }
    return new LocalRepository(top, gitDir, commonDir, branch);
  }

  git(): SimpleGit {
    return gitAt(this.worktree ?? this.gitDir);
  }

  async refresh(): Promise<string> {
    // Through the repository's cat-file process: a check spawns no git process.
    const head = await GitObjects.of(this.gitDir).info(`refs/heads/${this.branch}^{commit}`);
    if (head) return head.oid;
    const branches = (await this.git().raw(['for-each-ref', '--format=%(refname:short)', 'refs/heads'])).split('\n').filter(Boolean);
    throw missingBranch(this.label, this.branch, branches);
  }

  // The user's reflog keeps force-pushed-over commits; the daemon does not add refs to their repository.
  async keep(): Promise<void> {}

  suspect(): void {}
}
