// A FileSource reading the tree of a Git commit (`--ref`, `--base/--head`), so a plan can be made
// from any revision without checking it out. One `git ls-tree` lists the tree and `git cat-file
// --batch-check` gives the sizes of blobs the previous listing did not have, so a blob over the
// reader's limit is refused without being read; `git cat-file --batch` reads the listed blobs in batches of bounded size, and a blob leaves the cache once read.
// Symlinks are followed only while they stay inside the tree, like the working tree does.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { FileEntry, FileSource, FileTooLargeError, MAX_FILE_BYTES } from './file-source';

const SYMLINK_MODE = '120000';
const MAX_SYMLINK_HOPS = 8;
/** A symlink's blob is its target path: longer than a path can be, it is not followed. */
const MAX_SYMLINK_BYTES = 4096;
/** Blobs read by one `git cat-file --batch`, at most. */
const BATCH_FILES = 512;
const BATCH_BYTES = 8 * 1024 * 1024;

/** Blob sizes of the last tree listed (object id → bytes): the next commit's tree mostly has the same blobs. */
let knownSizes = new Map<string, number>();

/** A ref that does not name a commit of the repository, or a folder that is not a Git repository. */
export class GitRefError extends Error {
  override readonly name = 'GitRefError';
}

interface TreeEntry {
  mode: string;
  sha: string;
  size: number;
}

function runGit(cwd: string, args: string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    // git may exit before reading stdin (it does in a bare repository); the exit code says how it went.
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitRefError(`git ${args[0]} failed in ${cwd}: ${Buffer.concat(err).toString('utf8').trim() || `exit code ${code}`}`));
    });
    child.stdin.end(input ?? '');
  });
}

/** The commit a ref names, or a GitRefError saying how to name one. */
export async function resolveCommit(repoDir: string, ref: string): Promise<string> {
  if (ref.startsWith('-')) throw new GitRefError(`"${ref}" is not a Git ref; name a branch, tag or commit.`);
  try {
    return (await runGit(repoDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).toString('utf8').trim();
  } catch {
    throw new GitRefError(`"${ref}" does not name a commit in ${repoDir}. Use a branch, tag or commit that exists there (see \`git log --oneline\`), and make sure ${repoDir} is a Git repository.`);
  }
}

export class GitTreeSource implements FileSource {
  readonly label: string;
  private readonly blobs = new Map<string, Buffer>();
  /** Regular files of the last listing, in order: what the next reads will most likely ask for. */
  private listed: string[] = [];
  private listedIndex = new Map<string, number>();

  private constructor(
    readonly repoDir: string,
    readonly ref: string,
    readonly commit: string,
    private readonly entries: Map<string, TreeEntry>,
  ) {
    this.label = `${repoDir}@${ref}`;
  }

  static async open(repoDir: string, ref: string): Promise<GitTreeSource> {
    const dir = path.resolve(repoDir);
    const commit = await resolveCommit(dir, ref);
    // Without -l: asking git for every blob's size costs a lookup per object; sizes come from the
    // previous listing (same object id, same size) and `cat-file --batch-check` for the new ones.
    const listing = (await runGit(dir, ['ls-tree', '-r', '-z', '--full-tree', commit])).toString('utf8');
    const entries = new Map<string, TreeEntry>();
    for (const record of listing.split('\0')) {
      if (record === '') continue;
      const tab = record.indexOf('\t');
      const [mode, type, sha] = record.slice(0, tab).split(/ +/);
      if (type === 'blob') entries.set(record.slice(tab + 1), { mode, sha, size: knownSizes.get(sha) ?? -1 });
    }
    const unknown = [...new Set([...entries.values()].filter((e) => e.size < 0).map((e) => e.sha))];
    const sizes = new Map<string, number>();
    if (unknown.length > 0) {
      const checked = (await runGit(dir, ['cat-file', '--batch-check'], unknown.join('\n') + '\n')).toString('utf8').split('\n');
      unknown.forEach((sha, i) => {
        const [, , size] = checked[i].split(' ');
        if (size === undefined) throw new GitRefError(`object ${sha} is missing from ${dir}; the repository is incomplete (shallow or damaged).`);
        sizes.set(sha, Number(size));
      });
    }
    for (const entry of entries.values()) {
      if (entry.size < 0) entry.size = sizes.get(entry.sha)!;
      sizes.set(entry.sha, entry.size);
    }
    knownSizes = sizes;
    return new GitTreeSource(dir, ref, commit, entries);
  }

  async listFiles(dir: string): Promise<FileEntry[]> {
    const prefix = `${dir}/`;
    const paths = [...this.entries.keys()].filter((p) => p.startsWith(prefix)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    await this.prefetch(paths.filter((p) => this.isSymlink(p)));
    const out: FileEntry[] = [];
    for (const file of paths) {
      const target = await this.resolve(file);
      if (target === undefined) out.push({ path: file, size: 0, escapesRepository: true });
      else out.push({ path: file, size: this.entries.get(target)!.size, blobId: this.entries.get(target)!.sha });
    }
    this.expectReads(paths);
    return out;
  }

  expectReads(paths: readonly string[]): void {
    this.listed = paths.filter((p) => !this.isSymlink(p));
    this.listedIndex = new Map(this.listed.map((p, i) => [p, i]));
  }

  async listDirectories(dir: string): Promise<string[]> {
    const prefix = `${dir}/`;
    const names = new Set<string>();
    for (const p of this.entries.keys()) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash > 0) names.add(rest.slice(0, slash));
    }
    return [...names].sort();
  }

  async read(filePath: string, maxBytes = MAX_FILE_BYTES): Promise<Buffer> {
    const target = await this.resolve(filePath);
    if (target === undefined) throw new GitRefError(`${filePath} is not a file inside ${this.label}.`);
    const { size } = this.entries.get(target)!;
    if (size > maxBytes) throw new FileTooLargeError(filePath, size, maxBytes);
    if (!this.blobs.has(target)) await this.prefetch(this.batchFrom(target, maxBytes));
    const content = this.blobs.get(target)!;
    this.blobs.delete(target);
    return content;
  }

  async exists(filePath: string): Promise<boolean> {
    if (this.entries.has(filePath)) return true;
    const prefix = `${filePath}/`;
    for (const p of this.entries.keys()) if (p.startsWith(prefix)) return true;
    return false;
  }

  /** The regular file a path ends at after following symlinks inside the tree; undefined if it leaves the tree. */
  private async resolve(filePath: string): Promise<string | undefined> {
    let current = filePath;
    for (let hop = 0; hop <= MAX_SYMLINK_HOPS; hop++) {
      const entry = this.entries.get(current);
      if (!entry) return undefined;
      if (entry.mode !== SYMLINK_MODE) return current;
      if (entry.size > MAX_SYMLINK_BYTES) return undefined;
      if (!this.blobs.has(current)) await this.prefetch([current]);
      const target = this.blobs.get(current)!.toString('utf8');
      if (path.posix.isAbsolute(target)) return undefined;
      const next = path.posix.normalize(path.posix.join(path.posix.dirname(current), target));
      if (next === '..' || next.startsWith('../')) return undefined;
      current = next;
    }
    return undefined;
  }

  private isSymlink(filePath: string): boolean {
    return this.entries.get(filePath)?.mode === SYMLINK_MODE;
  }

  /** `filePath` and the listed files after it that fit the limit, up to one batch's count and bytes. */
  private batchFrom(filePath: string, maxBytes: number): string[] {
    const batch = [filePath];
    let bytes = this.entries.get(filePath)!.size;
    const start = this.listedIndex.get(filePath);
    if (start === undefined) return batch;
    for (let i = start + 1; i < this.listed.length && batch.length < BATCH_FILES; i++) {
      const next = this.listed[i];
      const { size } = this.entries.get(next)!;
      if (size > maxBytes || this.blobs.has(next)) continue;
      if (bytes + size > BATCH_BYTES) break;
      batch.push(next);
      bytes += size;
    }
    return batch;
  }

  /** Reads blobs with one `git cat-file --batch`; the caller has checked their sizes. */
  private async prefetch(paths: readonly string[]): Promise<void> {
    const wanted = paths.filter((p) => !this.blobs.has(p) && this.entries.has(p));
    if (wanted.length === 0) return;
    const output = await runGit(this.repoDir, ['cat-file', '--batch'], wanted.map((p) => this.entries.get(p)!.sha).join('\n') + '\n');
    let offset = 0;
    for (const p of wanted) {
      const newline = output.indexOf(0x0a, offset);
      const header = output.subarray(offset, newline).toString('utf8').split(' ');
      if (header[1] === 'missing') throw new GitRefError(`object ${header[0]} of ${p} is missing from ${this.repoDir}; the repository is incomplete (shallow or damaged).`);
      const size = Number(header[2]);
      this.blobs.set(p, output.subarray(newline + 1, newline + 1 + size));
      offset = newline + 1 + size + 1;
    }
  }
}
