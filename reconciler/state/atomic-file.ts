// Crash-safe file replacement: write a temp file, fsync it, rename it over the target, fsync
// the directory. After a crash at any moment the target holds the old or the new bytes.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export const TEMP_SUFFIX = '.tmp';

/** `data` as one string or buffer, or as pieces written with one vectored write. */
export async function writeFileAtomic(file: string, data: string | Buffer | readonly Buffer[]): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
  const handle = await fs.open(temp, 'w', 0o644);
  try {
    if (typeof data === 'string' || Buffer.isBuffer(data)) await handle.writeFile(data);
    else await writeAll(handle, data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await fsyncDirectory(dir);
}

async function writeAll(handle: fs.FileHandle, pieces: readonly Buffer[]): Promise<void> {
  const length = pieces.reduce((sum, piece) => sum + piece.length, 0);
  const { bytesWritten } = await handle.writev(pieces as Buffer[]);
  if (bytesWritten !== length) throw new Error(`internal: wrote ${bytesWritten} of ${length} bytes`);
}

/** Makes a rename or a new entry in `dir` durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a directory; the rename is still atomic there.
    if (!['EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

/** Creates `dir` (and parents), making each new entry durable. */
export async function ensureDirectory(dir: string): Promise<void> {
  const parent = path.dirname(dir);
  try {
    await fs.mkdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || parent === dir) throw error;
    await ensureDirectory(parent);
    return ensureDirectory(dir);
  }
  await fsyncDirectory(parent);
}

/** Temp files left by writers that were killed; only call while holding the lock. */
export async function removeLeftoverTempFiles(dir: string): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith('.') && n.endsWith(TEMP_SUFFIX)).map((n) => fs.rm(path.join(dir, n), { force: true })));
}
