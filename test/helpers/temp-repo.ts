// Temporary mesh repositories on disk for tests; removed by the returned cleanup.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TempRepo {
  dir: string;
  write(relative: string, content: string | Buffer): void;
  remove(): void;
}

export function makeTempRepo(files: Record<string, string | Buffer> = {}): TempRepo {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-test-'));
  const write = (relative: string, content: string | Buffer) => {
    const target = path.join(dir, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  };
  for (const [relative, content] of Object.entries(files)) write(relative, content);
  return { dir, write, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Copies a folder of this repository (e.g. `environments/apps`) into a temp repo at the same path. */
export function copyIntoRepo(repo: TempRepo, from: string, to: string): void {
  fs.cpSync(from, path.join(repo.dir, to), { recursive: true });
}
