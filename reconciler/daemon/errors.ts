// Errors the daemon raises while starting: what happened, why, and the fix.
import type { LockHolder } from '../state/state-types';

export class DaemonError extends Error {
  override readonly name = 'DaemonError';
}

export function badListenAddress(flag: string, value: string): DaemonError {
  return new DaemonError(`${flag} ${JSON.stringify(value)} is not host:port. Pass an address such as 127.0.0.1:9080 (or 0.0.0.0:9080 to listen on every interface; port 0 picks a free port).`);
}

export function cannotListen(what: string, address: string, detail: string): DaemonError {
  return new DaemonError(`cannot listen for ${what} on ${address}: ${detail}. Another process may use the port; pick another with ${what === 'xDS' ? 'listen.xds (--xds-listen)' : 'listen.http (--http-listen)'} host:port.`);
}

export function xdsExposed(reason: string): DaemonError {
  return new DaemonError(`refusing to start: ${reason}`);
}

export function operatorSecretsUnreadable(problems: readonly string[]): DaemonError {
  return new DaemonError(
    `refusing to start: ${problems.length === 1 ? 'a secret of the operator configuration cannot' : 'secrets of the operator configuration cannot'} be read:\n` +
      problems.map((p) => `  ${p}`).join('\n') +
      '\nFix the variable or the file each names (docs/configuration.md#secrets).',
  );
}

export function dataDirInUse(dataDir: string, holder: LockHolder | undefined, lockFile: string): DaemonError {
  const who = holder ? `process ${holder.pid} on host ${holder.host} (${holder.operation}, since ${holder.since})` : 'a process whose lock file could not be read';
  return new DaemonError(
    `the data directory ${dataDir} is in use by another meshplane daemon: ${who}. Two daemons on one data directory would both lead and overwrite ` +
      `each other's statuses and state. Stop that one, or give this one its own --data-dir. If that process is gone (e.g. it ran on another host), remove ${lockFile}.`,
  );
}
