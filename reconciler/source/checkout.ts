// Where the daemon reads commits from: the repository itself when --repo is a directory, or a
// bare clone under the data dir when it is a URL. Both answer "what is the branch head now?".
import { SimpleGit } from 'simple-git';

export interface Checkout {
  readonly kind: 'local' | 'remote';
  /** The git directory commits are read from and notes are written to. */
  readonly gitDir: string;
  /** What to call the repository in messages (a directory, or the URL without credentials). */
  readonly label: string;
  git(): SimpleGit;
  /** Brings the branch up to date (a fetch, for a clone) and returns its head commit. */
  refresh(): Promise<string>;
  /** Keeps a commit the branch no longer reaches (after a force-push) from being garbage-collected. */
  keep(commit: string): Promise<void>;
  /** Called when reading from the checkout failed in a way that suggests damage. */
  suspect(reason: string): void;
}

/** Refs under which the daemon keeps commits a force-push dropped. */
export const KEPT_REFS = 'refs/meshplane/replaced';
