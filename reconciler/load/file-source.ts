// Where the loader reads an environment's files from: the working tree, or (for plans of
// other revisions) a Git tree. Paths are repository-relative with `/` separators.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** Files over this size are refused (operator `limits.maxFileBytes` may lower or raise it). */
export const MAX_FILE_BYTES = 1024 * 1024;

/** A read of a file larger than the reader accepts: refused from its size, before its content is read. */
export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
  constructor(
    readonly filePath: string,
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`${filePath} is ${size} bytes; files over ${maxBytes} bytes are refused. Split it into several files.`);
  }
}

export interface FileEntry {
  /** Repository-relative path with `/` separators. */
  path: string;
  size: number;
  /** Set for a symlink whose target resolves outside the repository. */
  escapesRepository?: boolean;
  /**
   * The Git object id of the content (of the symlink's target for a symlink): equal ids, equal
   * bytes, so what was parsed from one is reused (ParseCache). Absent outside a Git tree.
   */
  blobId?: string;
}

export interface FileSource {
  /** What to call this source in messages (a directory, or `<dir>@<ref>`). */
  readonly label: string;
  /** Every regular file under `dir` (recursively), sorted by path. */
  listFiles(dir: string): Promise<FileEntry[]>;
  /** Immediate sub-directories of `dir`, sorted; empty when `dir` does not exist. */
  listDirectories(dir: string): Promise<string[]>;
  /** The file's content; a FileTooLargeError, without reading it, when it is over `maxBytes`. */
  read(filePath: string, maxBytes?: number): Promise<Buffer>;
  exists(filePath: string): Promise<boolean>;
  /** The files the loader will read next, in order (it has the others cached): a hint for batching reads. */
  expectReads?(paths: readonly string[]): void;
}

/** Files of a directory on disk (a working tree). */
export class WorkingTreeSource implements FileSource {
  readonly label: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.label = this.root;
  }

  async listFiles(dir: string): Promise<FileEntry[]> {
    const out: FileEntry[] = [];
    await this.walk(dir, out);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async listDirectories(dir: string): Promise<string[]> {
    const entries = await fs.readdir(this.abs(dir), { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  }

  async read(filePath: string, maxBytes = MAX_FILE_BYTES): Promise<Buffer> {
    const file = await fs.open(this.abs(filePath), 'r');
    try {
      const { size } = await file.stat();
      if (size > maxBytes) throw new FileTooLargeError(filePath, size, maxBytes);
      // One byte more than the stat said: a file that grew past the limit since is refused too.
      const buffer = Buffer.alloc(size + 1);
      let length = 0;
      while (length < buffer.length) {
        const { bytesRead } = await file.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > maxBytes) throw new FileTooLargeError(filePath, length, maxBytes);
      return buffer.subarray(0, length);
    } finally {
      await file.close();
    }
  }

  async exists(filePath: string): Promise<boolean> {
    return fs.stat(this.abs(filePath)).then(() => true, () => false);
  }

  private abs(relative: string): string {
    return path.join(this.root, ...relative.split('/'));
  }

  private async walk(dir: string, out: FileEntry[]): Promise<void> {
    const entries = await fs.readdir(this.abs(dir), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        await this.walk(relative, out);
      } else if (entry.isSymbolicLink()) {
        await this.addSymlink(relative, out);
      } else if (entry.isFile()) {
        const stat = await fs.stat(this.abs(relative));
        out.push({ path: relative, size: stat.size });
      }
    }
  }

  // A symlink is followed only while its target stays inside the repository.
  private async addSymlink(relative: string, out: FileEntry[]): Promise<void> {
    const target = await fs.realpath(this.abs(relative)).catch(() => undefined);
    const rootReal = await fs.realpath(this.root);
    if (!target || !(target === rootReal || target.startsWith(rootReal + path.sep))) {
      out.push({ path: relative, size: 0, escapesRepository: true });
      return;
    }
    const stat = await fs.stat(target);
    if (stat.isFile()) out.push({ path: relative, size: stat.size });
  }
}
