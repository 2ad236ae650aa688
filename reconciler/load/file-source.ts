// Where the loader reads an environment's files from: the working tree, or (for plans of
// other revisions) a Git tree. Paths are repository-relative with `/` separators.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export interface FileEntry {
  /** Repository-relative path with `/` separators. */
  path: string;
  size: number;
  /** Set for a symlink whose target resolves outside the repository. */
  escapesRepository?: boolean;
}

export interface FileSource {
  /** What to call this source in messages (a directory, or `<dir>@<ref>`). */
  readonly label: string;
  /** Every regular file under `dir` (recursively), sorted by path. */
  listFiles(dir: string): Promise<FileEntry[]>;
  /** Immediate sub-directories of `dir`, sorted; empty when `dir` does not exist. */
  listDirectories(dir: string): Promise<string[]>;
  read(filePath: string): Promise<Buffer>;
  exists(filePath: string): Promise<boolean>;
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

  read(filePath: string): Promise<Buffer> {
    return fs.readFile(this.abs(filePath));
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
