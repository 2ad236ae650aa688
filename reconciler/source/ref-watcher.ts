// Notices a new commit on the tracked branch of a local repository at once: chokidar watches
// the branch's ref file, packed-refs and HEAD (and, with --watch-worktree, environments/), and
// every change triggers a check (debounced a few milliseconds, folding the events of one git
// command; a check is one request to the cat-file process, and checks during a check fold into one).
import * as path from 'node:path';
import { FSWatcher, watch } from 'chokidar';

export interface RefWatchTarget {
  /** Where refs live. */
  commonDir: string;
  /** The repository's git directory (holds HEAD; differs from commonDir in a linked worktree). */
  gitDir: string;
  branch: string;
  /** The working tree whose environments/ folder is watched, when uncommitted edits count. */
  worktree?: string;
}

export const WATCH_DEBOUNCE_MS = 5;

export class RefWatcher {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly target: RefWatchTarget,
    private readonly onChange: (file: string) => void,
  ) {}

  async start(): Promise<void> {
    const { commonDir, gitDir, branch, worktree } = this.target;
    const watched = new Set<string>([commonDir, gitDir, path.join(gitDir, 'HEAD'), path.join(commonDir, 'packed-refs')]);
    let dir = path.join(commonDir, 'refs');
    watched.add(dir);
    for (const segment of ['heads', ...branch.split('/')]) {
      dir = path.join(dir, segment);
      watched.add(dir);
    }
    const environments = worktree ? path.join(worktree, 'environments') : undefined;
    const isWatched = (file: string) =>
      watched.has(file) || file === worktree || (environments !== undefined && (file === environments || file.startsWith(environments + path.sep)));
    const roots = [...new Set([commonDir, gitDir, ...(worktree ? [worktree] : [])])];
    const watcher = watch(roots, { ignoreInitial: true, ignored: (file: string) => !isWatched(path.resolve(file)) });
    this.watcher = watcher;
    watcher.on('all', (_event, file) => this.changed(file));
    watcher.on('error', () => undefined); // a vanished folder is noticed by the poll instead
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.watcher?.close();
    this.watcher = undefined;
  }

  private changed(file: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onChange(file), WATCH_DEBOUNCE_MS);
  }
}
