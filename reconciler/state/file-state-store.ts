// The embedded state store: files under a data directory, one folder per environment.
//
//   <dir>/<env>/state.json         the applied revision (checksummed envelope)
//   <dir>/<env>/history/<n>.json   every committed revision, append-only (same envelope)
//   <dir>/<env>/lock.json          the writer's lock (pid, host, time)
//
// A commit writes history/<n>.json and then state.json, each atomically; state.json is the
// commit point. A history file newer than state.json is a leftover of an interrupted commit.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ensureDirectory, removeLeftoverTempFiles, writeFileAtomic } from './atomic-file';
import { InvalidEnvironmentNameError, StateConflictError, StateCorruptError } from './errors';
import { acquireFileLock } from './file-lock';
import { decodeRevision, encodeRevision } from './state-envelope';
import { LockOptions, StateLock, StateStore } from './state-store';
import { AppliedRevision, HistoryEntry, historyEntryOf } from './state-types';

const ENVIRONMENT_NAME = /^(?!\.\.?$)[A-Za-z0-9._-]+$/;
const HISTORY_FILE = /^([1-9][0-9]*)\.json$/;

export class FileStateStore implements StateStore {
  readonly location: string;
  /**
   * Per environment, the last state.json read or written, its revision and the file's stat: while
   * the file is the same (inode, size, mtime — every commit renames a new file into place, an edit
   * changes size or mtime) a read returns the same object instead of reading, parsing and
   * checksumming megabytes again (the daemon reads the state several times per commit, and its
   * planner recognises unchanged documents by object). Callers treat revisions as read-only.
   */
  private readonly lastState = new Map<string, { stamp: string; revision: AppliedRevision }>();

  constructor(dir: string) {
    this.location = path.resolve(dir);
  }

  environmentDir(environment: string): string {
    if (!ENVIRONMENT_NAME.test(environment)) throw new InvalidEnvironmentNameError(environment);
    return path.join(this.location, environment);
  }

  stateFile(environment: string): string {
    return path.join(this.environmentDir(environment), 'state.json');
  }

  historyFile(environment: string, revision: number): string {
    return path.join(this.environmentDir(environment), 'history', `${revision}.json`);
  }

  async read(environment: string): Promise<AppliedRevision | undefined> {
    const file = this.stateFile(environment);
    const stamp = await stampOf(file);
    const last = this.lastState.get(environment);
    if (last && stamp !== undefined && last.stamp === stamp) return last.revision;
    const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text === undefined) {
      // Only an interrupted first commit leaves history without state (history/1.json alone).
      const revisions = await this.historyNumbers(environment);
      if (revisions.some((n) => n > 1)) {
        throw new StateCorruptError(file, `it is missing while history holds revisions up to ${Math.max(...revisions)}`, await this.recovery(environment, file));
      }
      return undefined;
    }
    const decoded = decodeRevision(text);
    if (!decoded.ok) throw new StateCorruptError(file, decoded.problem, await this.recovery(environment, file));
    // Kept only if the file did not change while it was read.
    if (stamp !== undefined && stamp === (await stampOf(file))) this.lastState.set(environment, { stamp, revision: decoded.revision });
    return decoded.revision;
  }

  async readRevision(environment: string, revision: number): Promise<AppliedRevision | undefined> {
    const current = await this.read(environment);
    if (!current || revision < 1 || revision > current.revision) return undefined;
    if (revision === current.revision) return current;
    return this.readHistoryFile(environment, revision);
  }

  async history(environment: string): Promise<HistoryEntry[]> {
    const current = await this.read(environment);
    if (!current) return [];
    const numbers = (await this.historyNumbers(environment)).filter((n) => n < current.revision);
    const entries: HistoryEntry[] = [];
    for (const n of numbers) {
      const revision = await this.readHistoryFile(environment, n);
      if (revision) entries.push(historyEntryOf(revision));
    }
    entries.push(historyEntryOf(current));
    return entries;
  }

  async commit(environment: string, next: AppliedRevision, expectedRevision: number): Promise<void> {
    const dir = this.environmentDir(environment);
    const current = await this.read(environment);
    const actual = current?.revision ?? 0;
    if (actual !== expectedRevision) throw new StateConflictError(environment, expectedRevision, actual);
    if (next.revision !== expectedRevision + 1 || next.environment !== environment) {
      throw new Error(`internal: revision ${next.revision} of ${next.environment} cannot follow revision ${expectedRevision} of ${environment}`);
    }
    await ensureDirectory(path.join(dir, 'history'));
    await removeLeftoverTempFiles(dir);
    await removeLeftoverTempFiles(path.join(dir, 'history'));
    const text = encodeRevision(next);
    await writeFileAtomic(this.historyFile(environment, next.revision), text);
    await writeFileAtomic(this.stateFile(environment), text);
    // What was written reads back as `next` (JSON drops only undefined members, which readers treat as absent).
    const stamp = await stampOf(this.stateFile(environment));
    if (stamp !== undefined) this.lastState.set(environment, { stamp, revision: next });
  }

  async lock(environment: string, operation: string, options: LockOptions = {}): Promise<StateLock> {
    const dir = this.environmentDir(environment);
    await ensureDirectory(dir);
    await this.ignoreInGit();
    return acquireFileLock(path.join(dir, 'lock.json'), environment, operation, options.timeoutMs ?? 0);
  }

  /** The state dir often sits inside the mesh repository (.meshplane/): keep it out of Git. */
  private async ignoreInGit(): Promise<void> {
    const file = path.join(this.location, '.gitignore');
    await fs.writeFile(file, '# meshplane state: never commit it\n*\n', { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }

  private async readHistoryFile(environment: string, revision: number): Promise<AppliedRevision | undefined> {
    const file = this.historyFile(environment, revision);
    const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text === undefined) return undefined;
    const decoded = decodeRevision(text);
    if (!decoded.ok) {
      throw new StateCorruptError(file, decoded.problem, 'History files are never rewritten; restore this one from a backup of the state directory, or delete it to drop that revision from history.');
    }
    return decoded.revision;
  }

  private async historyNumbers(environment: string): Promise<number[]> {
    const names = await fs.readdir(path.join(this.environmentDir(environment), 'history')).catch(() => [] as string[]);
    return names
      .map((name) => HISTORY_FILE.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  /** How to get a damaged state.json back: copy the newest readable history file over it. */
  private async recovery(environment: string, stateFile: string): Promise<string> {
    const numbers = (await this.historyNumbers(environment)).reverse();
    for (const n of numbers) {
      const file = this.historyFile(environment, n);
      const text = await fs.readFile(file, 'utf8').catch(() => '');
      if (decodeRevision(text).ok) {
        return `Restore it from history: the newest intact revision is ${n} (${file}); run \`cp '${file}' '${stateFile}'\`, then plan again.`;
      }
    }
    return `No intact revision exists in ${path.join(path.dirname(stateFile), 'history')}; restore the state directory from a backup, or remove ${stateFile} and the history folder to start over (the next apply then creates everything).`;
  }
}

/** What changes whenever state.json is replaced or edited; undefined when it is missing. */
async function stampOf(file: string): Promise<string | undefined> {
  const stat = await fs.stat(file, { bigint: true }).catch(() => undefined);
  return stat && `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}
