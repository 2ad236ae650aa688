// An exclusive lock file per environment recording pid, host and time. Created with link(2)
// so it appears complete or not at all; a lock whose process is dead (same host) is stale and
// is taken over.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEMP_SUFFIX } from './atomic-file';
import { StateLockedError } from './errors';
import { StateLock } from './state-store';
import { LockHolder } from './state-types';

const POLL_MS = 100;
/** A breaker file older than this was left by a process killed while breaking a stale lock. */
const BREAKER_STALE_MS = 10_000;

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(lockFile: string): Promise<LockHolder | undefined | 'unreadable'> {
  let text: string;
  try {
    text = await fs.readFile(lockFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    return typeof holder.pid === 'number' && typeof holder.host === 'string' ? holder : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** Creates `file` holding `content` only if it does not exist; false when it does. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
  await fs.writeFile(temp, content);
  try {
    await fs.link(temp, file);
    return true;
  } catch (error) {
    // ENOENT: a committer removed our temp file as a leftover; the caller simply tries again.
    if (['EEXIST', 'ENOENT'].includes((error as NodeJS.ErrnoException).code ?? '')) return false;
    throw error;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** When this process started: a lock naming our pid from before then was left by an earlier process (a container's pid 1). */
const PROCESS_STARTED_AT = Date.now() - process.uptime() * 1000;

function isStale(holder: LockHolder | 'unreadable'): boolean {
  if (holder === 'unreadable') return true;
  if (holder.host !== os.hostname()) return false;
  return !isProcessAlive(holder.pid) || (holder.pid === process.pid && Date.parse(holder.since) < PROCESS_STARTED_AT - 1000);
}

/** Removes a stale lock unless someone else took the lock in the meantime. */
async function breakStaleLock(lockFile: string, seen: LockHolder | 'unreadable'): Promise<void> {
  const breaker = `${lockFile}.break`;
  if (!(await createExclusive(breaker, String(process.pid)))) {
    const stat = await fs.stat(breaker).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > BREAKER_STALE_MS) await fs.rm(breaker, { force: true });
    return;
  }
  try {
    const current = await readHolder(lockFile);
    const same = current === seen || (typeof current === 'object' && typeof seen === 'object' && current.token === seen.token);
    if (current !== undefined && same) await fs.rm(lockFile, { force: true });
  } finally {
    await fs.rm(breaker, { force: true });
  }
}

export async function acquireFileLock(lockFile: string, environment: string, operation: string, timeoutMs = 0): Promise<StateLock> {
  const holder: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    operation,
    since: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const started = Date.now();
  for (;;) {
    if (await createExclusive(lockFile, JSON.stringify(holder) + '\n')) {
      return { holder, release: () => releaseFileLock(lockFile, holder) };
    }
    const current = await readHolder(lockFile);
    if (current === undefined) continue; // released in the meantime
    if (isStale(current)) {
      await breakStaleLock(lockFile, current);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw new StateLockedError(environment, current === 'unreadable' ? undefined : current, lockFile, waited);
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, timeoutMs - waited)));
  }
}

async function releaseFileLock(lockFile: string, holder: LockHolder): Promise<void> {
  const current = await readHolder(lockFile);
  if (typeof current === 'object' && current.token === holder.token) await fs.rm(lockFile, { force: true });
}
