// Errors the state store raises; each says what happened, why, and how to fix it.
import { LockHolder } from './state-types';

export class StateError extends Error {
  override readonly name: string = 'StateError';
}

export class StateCorruptError extends StateError {
  override readonly name = 'StateCorruptError';
  constructor(
    readonly file: string,
    problem: string,
    recovery: string,
  ) {
    super(`state file ${file} is damaged: ${problem}. meshplane never treats a damaged state as empty, so nothing was changed. ${recovery}`);
  }
}

export class StateConflictError extends StateError {
  override readonly name = 'StateConflictError';
  constructor(environment: string, expected: number, actual: number) {
    super(
      `the applied revision of environment ${environment} changed while this apply was running (expected revision ${expected}, found ${actual}). ` +
        'Another writer committed first; run the plan again against the new state.',
    );
  }
}

export class StateLockedError extends StateError {
  override readonly name = 'StateLockedError';
  constructor(
    environment: string,
    readonly holder: LockHolder | undefined,
    lockFile: string,
    waitedMs: number,
  ) {
    const who = holder
      ? `process ${holder.pid} on host ${holder.host} (${holder.operation}, since ${holder.since})`
      : 'a process whose lock file could not be read';
    const waited = waitedMs > 0 ? ` after waiting ${Math.round(waitedMs / 1000)}s` : '';
    super(
      `environment ${environment} is locked by ${who}${waited}. Only one apply per environment runs at a time: wait for it to finish, ` +
        `or pass --lock-timeout <seconds> to wait. If that process is gone (e.g. on another host), remove ${lockFile}.`,
    );
  }
}

export class InvalidEnvironmentNameError extends StateError {
  override readonly name = 'InvalidEnvironmentNameError';
  constructor(environment: string) {
    super(`"${environment}" cannot name an environment in the state store: use letters, digits, ".", "_" and "-" only.`);
  }
}
