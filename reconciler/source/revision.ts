// A revision of the tracked branch as the source hands it to the reconciler.
import { FileSource } from '../load/file-source';
import { CommitInfo } from './git';

export interface Revision {
  /** The commit, or `<commit>+worktree.<digest>` for uncommitted files (--watch-worktree). */
  id: string;
  commit: string;
  branch: string;
  info: CommitInfo;
  /** Digest of the uncommitted environments/ files this revision was read from. */
  worktreeDigest?: string;
  /** The previous head, when the branch moved to a commit that does not descend from it (a force-push). */
  forcedFrom?: string;
  /** The revision's files (the commit's tree, or the working tree). */
  files: FileSource;
  /** When the source noticed the revision (ms since the epoch): the start of commit-to-ACK latency. */
  detectedAt: number;
}

export function revisionId(commit: string, worktreeDigest: string | undefined): string {
  return worktreeDigest ? `${commit}+worktree.${worktreeDigest.slice(0, 12)}` : commit;
}

export function shortCommit(commit: string): string {
  return commit.slice(0, 7);
}
