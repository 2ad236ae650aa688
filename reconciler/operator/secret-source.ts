// One secret of the operator configuration: `{ env: NAME }` or `{ file: /path }`. Files are read
// asynchronously, only when regular and at most MAX_SECRET_BYTES, and re-read when their size,
// mtime or inode changes (checked at most every few seconds). Users of a secret on a hot path (a
// proxy connecting, a request) take the cached value: no read ever blocks the event loop, and a
// FIFO or a device path cannot hang or exhaust the daemon.
import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import { SecretRef } from './operator-config';
import { secretErrors, SecretError } from './errors';

export const MAX_SECRET_BYTES = 64 * 1024;
export const SECRET_RECHECK_MS = 2_000;

export interface SecretSourceOptions {
  /** Where `{ env }` secrets are read (default process.env). */
  variables?: NodeJS.ProcessEnv;
  recheckMs?: number;
  maxBytes?: number;
  /** Told when a re-read fails; the last good value stays in use. */
  onError?: (error: SecretError) => void;
}

interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

export class SecretSource {
  private value: string | undefined;
  private stamp: FileStamp | undefined;
  private checkedAt = 0;
  private refreshing: Promise<string> | undefined;

  constructor(
    readonly ref: SecretRef,
    private readonly options: SecretSourceOptions = {},
  ) {}

  /** `environment variable GITHUB_TOKEN` or `file /run/secrets/gitea`. */
  describe(): string {
    return describeSecret(this.ref);
  }

  /** The value, re-read if the file changed since the last check (at most every recheckMs); throws SecretError. */
  read(): Promise<string> {
    if (this.value !== undefined && Date.now() - this.checkedAt < (this.options.recheckMs ?? SECRET_RECHECK_MS)) return Promise.resolve(this.value);
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /**
   * The cached value, never blocking: starts a re-check in the background when it is due. Undefined
   * until the first read succeeded.
   */
  current(): string | undefined {
    if (Date.now() - this.checkedAt >= (this.options.recheckMs ?? SECRET_RECHECK_MS) && !this.refreshing) {
      this.read().catch((error: SecretError) => this.options.onError?.(error));
    }
    return this.value;
  }

  private async refresh(): Promise<string> {
    try {
      this.value = 'env' in this.ref ? this.fromEnvironment(this.ref.env) : await this.fromFile(this.ref.file);
      return this.value;
    } finally {
      this.checkedAt = Date.now();
    }
  }

  private fromEnvironment(name: string): string {
    const value = (this.options.variables ?? process.env)[name];
    if (value === undefined || value.trim() === '') throw secretErrors.unsetVariable(name);
    return value.trim();
  }

  private async fromFile(file: string): Promise<string> {
    if (this.value !== undefined && this.stamp) {
      const now = await fs.stat(file).catch(() => undefined);
      if (now && now.size === this.stamp.size && now.mtimeMs === this.stamp.mtimeMs && now.ino === this.stamp.ino) return this.value;
    }
    const max = this.options.maxBytes ?? MAX_SECRET_BYTES;
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below as not a regular file.
    const handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
      throw secretErrors.unreadableFile(file, error.code ?? error.message);
    });
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw secretErrors.notRegularFile(file);
      if (stat.size > max) throw secretErrors.fileTooLarge(file, stat.size, max);
      const buffer = Buffer.alloc(max + 1);
      const { bytesRead } = await handle.read(buffer, 0, max + 1, 0);
      if (bytesRead > max) throw secretErrors.fileTooLarge(file, bytesRead, max);
      const value = buffer.subarray(0, bytesRead).toString('utf8').trim();
      if (value === '') throw secretErrors.emptyFile(file);
      this.stamp = { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
      return value;
    } finally {
      await handle.close();
    }
  }
}

export function describeSecret(ref: SecretRef): string {
  return 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`;
}

/** The secrets of one daemon, one SecretSource per distinct reference. */
export class SecretSources {
  private readonly sources = new Map<string, SecretSource>();

  constructor(private readonly options: SecretSourceOptions = {}) {}

  of(ref: SecretRef): SecretSource {
    const key = JSON.stringify(ref);
    let source = this.sources.get(key);
    if (!source) this.sources.set(key, (source = new SecretSource(ref, this.options)));
    return source;
  }

  /** Reads each named secret once (at start); the problems say which setting could not be read and why. */
  async load(named: ReadonlyArray<readonly [setting: string, ref: SecretRef]>): Promise<string[]> {
    const problems = await Promise.all(
      named.map(([setting, ref]) =>
        this.of(ref)
          .read()
          .then(
            () => undefined,
            (error: Error) => `${setting}: ${error.message}`,
          ),
      ),
    );
    return problems.filter((p): p is string => p !== undefined);
  }
}
