// The files of the branch head with an API call's edits applied in memory: what the commit would
// hold, loaded and validated before anything is written.
import { FileEntry, FileSource } from '../../load/file-source';

/** Path → new content; `null` deletes the file. */
export type FileEdits = ReadonlyMap<string, string | null>;

export class OverlaySource implements FileSource {
  readonly label: string;

  constructor(
    private readonly base: FileSource,
    private readonly edits: FileEdits,
  ) {
    this.label = `${base.label} with the API change`;
  }

  async listFiles(dir: string): Promise<FileEntry[]> {
    const prefix = `${dir}/`;
    const entries = (await this.base.listFiles(dir)).filter((entry) => !this.edits.has(entry.path));
    for (const [file, content] of this.edits) {
      if (content !== null && file.startsWith(prefix)) entries.push({ path: file, size: Buffer.byteLength(content) });
    }
    return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async listDirectories(dir: string): Promise<string[]> {
    const names = new Set(await this.base.listDirectories(dir));
    const prefix = `${dir}/`;
    for (const [file, content] of this.edits) {
      if (content === null || !file.startsWith(prefix)) continue;
      const rest = file.slice(prefix.length);
      if (rest.includes('/')) names.add(rest.slice(0, rest.indexOf('/')));
    }
    return [...names].sort();
  }

  async read(filePath: string, maxBytes?: number): Promise<Buffer> {
    const edited = this.edits.get(filePath);
    if (edited === null) throw new Error(`${filePath} is deleted by the API change`);
    if (edited !== undefined) return Buffer.from(edited);
    return this.base.read(filePath, maxBytes);
  }

  async exists(filePath: string): Promise<boolean> {
    const edited = this.edits.get(filePath);
    if (edited !== undefined) return edited !== null;
    return (await this.base.exists(filePath)) || (await this.listFiles(filePath)).length > 0;
  }
}
