// A FileSource reading the tree of a Git commit (`--ref`, `--base/--head`), so a plan can be made
// from any revision without checking it out. Everything goes through the repository's long-lived
// `git cat-file --batch-command` (git-objects.ts): the commit's trees are read as objects (a tree
// the previous listing read is not read again: same object id, same entries), blob sizes come from
// the previous listing or an `info` request, so a blob over the reader's limit is refused without
// being read, and the listed blobs are read in batches of bounded size; a blob leaves the cache once read.
// Symlinks are followed only while they stay inside the tree, like the working tree does.
import * as path from 'node:path';
import { FileEntry, FileSource, FileTooLargeError, MAX_FILE_BYTES } from './file-source';
import { GitObjects, GitObjectsError, ObjectTooLargeError } from './git-objects';

const SYMLINK_MODE = '120000';
const TREE_MODE = '40000';
const SUBMODULE_MODE = '160000';
const MAX_SYMLINK_HOPS = 8;
/** A symlink's blob is its target path: longer than a path can be, it is not followed. */
const MAX_SYMLINK_BYTES = 4096;
/** Blobs read by one batch of requests, at most. */
const BATCH_FILES = 512;
const BATCH_BYTES = 8 * 1024 * 1024;
/** A tree object larger than this (about a million entries) is refused. */
export const MAX_TREE_BYTES = 64 * 1024 * 1024;

interface TreeItem {
  mode: string;
  name: string;
  oid: string;
}

/** Trees and blob sizes of the last listing (object id → entries, bytes): the next commit's tree mostly has the same objects. */
let knownTrees = new Map<string, TreeItem[]>();
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

/** The commit a ref names, or a GitRefError saying how to name one. */
export async function resolveCommit(repoDir: string, ref: string): Promise<string> {
  const explain = () => new GitRefError(`"${ref}" does not name a commit in ${repoDir}. Use a branch, tag or commit that exists there (see \`git log --oneline\`), and make sure ${repoDir} is a Git repository.`);
  if (ref.startsWith('-')) throw new GitRefError(`"${ref}" is not a Git ref; name a branch, tag or commit.`);
  const found = await GitObjects.of(path.resolve(repoDir))
    .info(`${ref}^{commit}`)
    .catch((error: unknown) => {
      if (error instanceof GitObjectsError) throw explain();
      throw error;
    });
  if (!found) throw explain();
  return found.oid;
}

/** Every blob under a tree, by path, read as tree objects (cached ones reused). */
async function listTree(objects: GitObjects, root: string, trees: Map<string, TreeItem[]>): Promise<Map<string, TreeEntry>> {
  const entries = new Map<string, TreeEntry>();
  const walk = async (oid: string, prefix: string): Promise<void> => {
    const items = await readTree(objects, oid, trees);
    const subtrees: Promise<void>[] = [];
    for (const item of items) {
      if (item.mode === TREE_MODE) subtrees.push(walk(item.oid, `${prefix}${item.name}/`));
      else if (item.mode !== SUBMODULE_MODE) entries.set(`${prefix}${item.name}`, { mode: item.mode, sha: item.oid, size: knownSizes.get(item.oid) ?? -1 });
    }
    await Promise.all(subtrees);
  };
  await walk(root, '');
  return entries;
}

async function readTree(objects: GitObjects, oid: string, trees: Map<string, TreeItem[]>): Promise<TreeItem[]> {
  let items = trees.get(oid) ?? knownTrees.get(oid);
  if (!items) {
    const object = await objects.contents(oid, { maxBytes: MAX_TREE_BYTES }).catch((error: unknown) => {
      if (error instanceof ObjectTooLargeError) throw new GitRefError(`tree ${oid} of ${objects.dir} is ${error.size} bytes; trees over ${MAX_TREE_BYTES} bytes are refused.`);
      throw error;
    });
    if (!object || object.type !== 'tree') throw new GitRefError(`tree ${oid} is missing from ${objects.dir}; the repository is incomplete (shallow or damaged).`);
    items = parseTree(object.content, oid.length / 2);
  }
  trees.set(oid, items);
  return items;
}

/** A tree object: `<mode> <name>\0<binary object id>` per entry. */
function parseTree(raw: Buffer, idBytes: number): TreeItem[] {
  const items: TreeItem[] = [];
  let offset = 0;
  while (offset < raw.length) {
    const space = raw.indexOf(0x20, offset);
    const nul = raw.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 1 + idBytes > raw.length) throw new GitRefError('a tree object is malformed');
    items.push({ mode: raw.toString('latin1', offset, space), name: raw.toString('utf8', space + 1, nul), oid: raw.toString('hex', nul + 1, nul + 1 + idBytes) });
    offset = nul + 1 + idBytes;
  }
  return items;
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
    private readonly objects: GitObjects,
  ) {
    this.label = `${repoDir}@${ref}`;
  }

  static async open(repoDir: string, ref: string): Promise<GitTreeSource> {
    const dir = path.resolve(repoDir);
    const commit = await resolveCommit(dir, ref);
    const objects = GitObjects.of(dir);
    const root = await objects.info(`${commit}^{tree}`);
    if (!root) throw new GitRefError(`the tree of ${commit} is missing from ${dir}; the repository is incomplete (shallow or damaged).`);
    const trees = new Map<string, TreeItem[]>();
    const entries = await listTree(objects, root.oid, trees);
    const unknown = [...new Set([...entries.values()].filter((e) => e.size < 0).map((e) => e.sha))];
    const sizes = new Map<string, number>();
    const checked = await objects.infos(unknown);
    unknown.forEach((sha, i) => {
      const info = checked[i];
      if (info === undefined) throw new GitRefError(`object ${sha} is missing from ${dir}; the repository is incomplete (shallow or damaged).`);
      sizes.set(sha, info.size);
    });
    for (const entry of entries.values()) {
      if (entry.size < 0) entry.size = sizes.get(entry.sha)!;
      sizes.set(entry.sha, entry.size);
    }
    knownSizes = sizes;
    knownTrees = trees;
    return new GitTreeSource(dir, ref, commit, entries, objects);
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

  /** Reads blobs (one pass through the pipes); the caller has checked their sizes. */
  private async prefetch(paths: readonly string[]): Promise<void> {
    const wanted = paths.filter((p) => !this.blobs.has(p) && this.entries.has(p));
    const read = await Promise.all(wanted.map((p) => this.objects.contents(this.entries.get(p)!.sha, { maxBytes: this.entries.get(p)!.size })));
    wanted.forEach((p, i) => {
      const object = read[i];
      if (!object) throw new GitRefError(`object ${this.entries.get(p)!.sha} of ${p} is missing from ${this.repoDir}; the repository is incomplete (shallow or damaged).`);
      this.blobs.set(p, object.content);
    });
  }
}
