// The embedded default reporter: statuses as git notes in the repository the daemon reads
// (the repository itself, or its clone in the data dir). When the source is a remote, the
// notes ref is pushed after each write; a push the remote rejects because it moved is
// resolved by merging its notes (ours win for the same commit) and pushing again, and a
// remote that refuses pushes (read-only) is logged once and left alone.
import type { Logger } from 'pino';
import pino from 'pino';
import { sleep } from '../source/backoff';
import { errorText, gitAt } from '../source/git';
import { notesWriteFailed } from './errors';
import { mergeIntoDocument, NOTES_REF, NOTES_REF_ARG, readNote, readNoteDocument, writeNote } from './git-notes';
import { StatusReporter } from './reporter';
import { CommitStatuses, Status } from './status';

export interface GitNotesReporterOptions {
  /** The git directory (or work tree) holding the commits. */
  gitDir: string;
  /** Remote name to push the notes to (`origin` for a clone); undefined: do not push. */
  pushTo?: string;
  log?: Logger;
  /** Clock for updatedAt (tests). */
  now?: () => Date;
}

const REMOTE_NOTES_REF = 'refs/notes/meshplane-remote';
const WRITE_ATTEMPTS = 3;

// Writes to one repository's notes ref are serialised across reporters in this process.
const queues = new Map<string, Promise<unknown>>();

export class GitNotesReporter implements StatusReporter {
  readonly name = 'git-notes';
  private readonly log: Logger;
  private lastPushError: string | undefined;

  constructor(private readonly options: GitNotesReporterOptions) {
    this.log = options.log ?? pino({ level: 'silent' });
  }

  report(commit: string, statuses: readonly Status[]): Promise<void> {
    return this.serialised(async () => {
      await this.write(commit, statuses);
      if (this.options.pushTo) await this.push();
    });
  }

  read(commit: string): Promise<CommitStatuses | undefined> {
    return readNote(gitAt(this.options.gitDir), commit);
  }

  private async write(commit: string, statuses: readonly Status[]): Promise<void> {
    const git = gitAt(this.options.gitDir);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const existing = await readNoteDocument(this.options.gitDir, commit);
        await writeNote(git, commit, mergeIntoDocument(commit, existing, statuses, this.options.now?.() ?? new Date()));
        return;
      } catch (error) {
        // Someone else (a user's `git notes`, a gc packing refs) may hold the ref's lock a moment.
        if (attempt >= WRITE_ATTEMPTS) throw notesWriteFailed(this.options.gitDir, errorText(error));
        await sleep(50 * attempt);
      }
    }
  }

  private async push(): Promise<void> {
    const remote = this.options.pushTo as string;
    const git = gitAt(this.options.gitDir);
    const refspec = `${NOTES_REF}:${NOTES_REF}`;
    try {
      await git.raw(['push', '--quiet', remote, refspec]);
    } catch (first) {
      try {
        // The remote's notes moved (or we never had them): merge them in, ours winning per commit.
        await git.raw(['fetch', '--quiet', '--no-write-fetch-head', remote, `+${NOTES_REF}:${REMOTE_NOTES_REF}`]);
        await git.raw(['notes', NOTES_REF_ARG, 'merge', '--quiet', '-s', 'ours', REMOTE_NOTES_REF]);
        await git.raw(['push', '--quiet', remote, refspec]);
      } catch (second) {
        const reason = errorText(second) || errorText(first);
        if (reason !== this.lastPushError) {
          this.log.warn({ remote, ref: NOTES_REF }, `commit statuses are kept in the daemon's clone but could not be pushed: ${reason.trim()}`);
        }
        this.lastPushError = reason;
        return;
      }
    }
    if (this.lastPushError) this.log.info({ remote, ref: NOTES_REF }, 'commit statuses pushed again');
    this.lastPushError = undefined;
  }

  private serialised<T>(action: () => Promise<T>): Promise<T> {
    const key = this.options.gitDir;
    const previous = queues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(action);
    const tail = next.catch(() => undefined);
    queues.set(key, tail);
    void tail.then(() => {
      if (queues.get(key) === tail) queues.delete(key);
    });
    return next;
  }
}
