// One daemon per data directory: two would both lead and overwrite each other's statuses and state.
// The lock is a file in the data directory naming its holder (pid, host, since); a lock whose
// process is dead (SIGKILL, a crash) is taken over by the next daemon.
import * as path from 'node:path';
import { StateLockedError } from '../state/errors';
import { acquireFileLock } from '../state/file-lock';
import { StateLock } from '../state/state-store';
import { dataDirInUse } from './errors';

export const DATA_DIR_LOCK_FILE = 'daemon.lock';

export async function lockDataDir(dataDir: string, operation: string): Promise<StateLock> {
  const lockFile = path.join(dataDir, DATA_DIR_LOCK_FILE);
  try {
    return await acquireFileLock(lockFile, 'data-dir', operation);
  } catch (error) {
    if (error instanceof StateLockedError) throw dataDirInUse(dataDir, error.holder, lockFile);
    throw error;
  }
}
