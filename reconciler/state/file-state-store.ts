// The embedded state store: files under a data directory, one folder per environment.
//
//   <dir>/<env>/state.json         the applied revision (checksummed envelope)
//   <dir>/<env>/history/<n>.json   every committed revision, append-only: what it changed against
//                                  revision n − 1 (a delta), or whole for the first revision and
//                                  every CHECKPOINT_EVERY-th, so reading one takes at most that many files
//   <dir>/<env>/lock.json          the writer's lock (pid, host, time)
//
// A commit writes history/<n>.json and then state.json, each atomically; state.json is the
// commit point. A history file newer than state.json is a leftover of an interrupted commit.
// Files of meshplane-state/1 (every history file a whole revision) are read as they are.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ensureDirectory, removeLeftoverTempFiles, writeFileAtomic } from './atomic-file';
import { InvalidEnvironmentNameError, StateConflictError, StateCorruptError, StateError } from './errors';
import { acquireFileLock } from './file-lock';
import { applyDeltas, DeltaMismatchError, deltaBetween, RevisionDelta } from './revision-delta';
import { decodeHistory, decodeRevision, encodeDelta, encodeRevision, resourceLine } from './state-envelope';
import { LockOptions, StateLock, StateStore } from './state-store';
import { AppliedRevision, HistoryEntry, historyEntryOf, historyEntryOfHeader } from './state-types';

const ENVIRONMENT_NAME = /^(?!\.\.?$)[A-Za-z0-9._-]+$/;
const HISTORY_FILE = /^([1-9][0-9]*)\.json$/;
/** Every CHECKPOINT_EVERY-th revision's history file is whole (the state.json text, not serialised again). */
export const CHECKPOINT_EVERY = 64;
const HISTORY_RECOVERY = 'History files are never rewritten; restore this one from a backup of the state directory.';

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
    const data = await fs.readFile(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (data === undefined) {
      // Only an interrupted first commit leaves history without state (history/1.json alone).
      const revisions = await this.historyNumbers(environment);
      if (revisions.some((n) => n > 1)) {
        throw new StateCorruptError(file, `it is missing while history holds revisions up to ${Math.max(...revisions)}`, await this.recovery(environment, file));
      }
      return undefined;
    }
    const decoded = decodeRevision(data);
    if (!decoded.ok) throw new StateCorruptError(file, decoded.problem, await this.recovery(environment, file));
    // Kept only if the file did not change while it was read.
    if (stamp !== undefined && stamp === (await stampOf(file))) this.lastState.set(environment, { stamp, revision: decoded.revision });
    return decoded.revision;
  }

  async readRevision(environment: string, revision: number): Promise<AppliedRevision | undefined> {
    const current = await this.read(environment);
    if (!current || revision < 1 || revision > current.revision) return undefined;
    if (revision === current.revision) return current;
    return this.revisionFromHistory(environment, revision);
  }

  async history(environment: string): Promise<HistoryEntry[]> {
    const current = await this.read(environment);
    if (!current) return [];
    const numbers = (await this.historyNumbers(environment)).filter((n) => n < current.revision);
    const entries: HistoryEntry[] = [];
    for (const n of numbers) {
      const entry = await this.readHistoryFile(environment, n);
      if (entry) entries.push('revision' in entry ? historyEntryOf(entry.revision) : historyEntryOfHeader(entry.delta.header, entry.delta.resourceCount));
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
    const whole = !current || next.revision % CHECKPOINT_EVERY === 0;
    const delta = whole ? undefined : deltaBetween(current, next, (a, b) => resourceLine(a).equals(resourceLine(b)));
    const entry = delta ? encodeDelta(delta) : text;
    await writeFileAtomic(this.historyFile(environment, next.revision), entry);
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

  /** Revision n from history: the nearest whole revision at or before it, then the deltas up to n. */
  private async revisionFromHistory(environment: string, revision: number): Promise<AppliedRevision | undefined> {
    const deltas: RevisionDelta[] = [];
    for (let n = revision; n >= 1; n--) {
      const entry = await this.readHistoryFile(environment, n);
      if (!entry) {
        if (n === revision) return undefined;
        const file = this.historyFile(environment, n);
        throw new StateCorruptError(file, `it is missing, and revision ${revision} is stored as the changes since it`, HISTORY_RECOVERY);
      }
      if ('revision' in entry) {
        try {
          return applyDeltas(entry.revision, deltas.reverse());
        } catch (error) {
          if (!(error instanceof DeltaMismatchError)) throw error;
          throw new StateCorruptError(this.historyFile(environment, error.revision), error.message, HISTORY_RECOVERY);
        }
      }
      if (entry.delta.base !== n - 1 || entry.delta.header.revision !== n) {
        throw new StateCorruptError(this.historyFile(environment, n), `it holds revision ${entry.delta.header.revision} as changes to revision ${entry.delta.base}`, HISTORY_RECOVERY);
      }
      deltas.push(entry.delta);
    }
    return undefined;
  }

  private async readHistoryFile(environment: string, revision: number): Promise<{ revision: AppliedRevision } | { delta: RevisionDelta } | undefined> {
    const file = this.historyFile(environment, revision);
    const data = await fs.readFile(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (data === undefined) return undefined;
    const decoded = decodeHistory(data);
    if (!decoded.ok) throw new StateCorruptError(file, decoded.problem, HISTORY_RECOVERY);
    return decoded;
  }

  private async historyNumbers(environment: string): Promise<number[]> {
    const names = await fs.readdir(path.join(this.environmentDir(environment), 'history')).catch(() => [] as string[]);
    return names
      .map((name) => HISTORY_FILE.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  /**
   * After state.json was damaged or lost: writes the newest revision history can rebuild as
   * state.json. Refuses while state.json reads (history may hold a newer, uncommitted leftover).
   */
  async restore(environment: string): Promise<AppliedRevision> {
    const lock = await this.lock(environment, 'meshplane history --restore');
    try {
      const file = this.stateFile(environment);
      const intact = await this.read(environment).then(
        (revision) => ({ revision }),
        (error: unknown) => {
          if (error instanceof StateCorruptError && error.file === file) return undefined;
          throw error;
        },
      );
      if (intact) {
        const why = intact.revision ? `${file} is intact (revision ${intact.revision.revision})` : `nothing was applied to environment ${environment}`;
        throw new StateError(`${why}; there is nothing to restore.`);
      }
      const revision = await this.newestIntact(environment);
      if (!revision) throw new StateError(`no intact revision exists in ${path.join(this.environmentDir(environment), 'history')}; ${noHistoryRecovery(file)}`);
      await writeFileAtomic(file, encodeRevision(revision));
      return revision;
    } finally {
      await lock.release();
    }
  }

  /** The newest revision history can rebuild. */
  private async newestIntact(environment: string): Promise<AppliedRevision | undefined> {
    for (const n of (await this.historyNumbers(environment)).reverse()) {
      const revision = await this.revisionFromHistory(environment, n).catch(() => undefined);
      if (revision) return revision;
    }
    return undefined;
  }

  /** How to get a damaged state.json back: rebuild it from the newest revision history holds. */
  private async recovery(environment: string, stateFile: string): Promise<string> {
    const revision = await this.newestIntact(environment);
    if (!revision) return `No intact revision exists in ${path.join(path.dirname(stateFile), 'history')}; ${noHistoryRecovery(stateFile)}`;
    return (
      `Restore it from history: the newest intact revision is ${revision.revision} (${this.historyFile(environment, revision.revision)}); ` +
      `run \`meshplane history --env ${environment} --state-dir '${this.location}' --restore\`, then plan again.`
    );
  }
}

function noHistoryRecovery(stateFile: string): string {
  return `restore the state directory from a backup, or remove ${stateFile} and the history folder to start over (the next apply then creates everything).`;
}

/** What changes whenever state.json is replaced or edited; undefined when it is missing. */
async function stampOf(file: string): Promise<string | undefined> {
  const stat = await fs.stat(file, { bigint: true }).catch(() => undefined);
  return stat && `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}
