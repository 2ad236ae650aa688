// A digest of the uncommitted environments/ files, so --watch-worktree reconciles an edit once.
import { createHash } from 'node:crypto';
import { WorkingTreeSource } from '../load/file-source';
import { ENVIRONMENTS_DIR } from '../load/load-environment';

export async function worktreeDigest(worktree: string): Promise<string> {
  const files = new WorkingTreeSource(worktree);
  const hash = createHash('sha256');
  for (const entry of await files.listFiles(ENVIRONMENTS_DIR)) {
    // A file over the size limit is refused whatever it holds: its size stands for its content.
    const content = entry.escapesRepository ? Buffer.alloc(0) : await files.read(entry.path).catch(() => Buffer.alloc(0));
    hash.update(`${entry.path}\u0000${entry.size}\u0000`).update(content);
  }
  return hash.digest('hex');
}
