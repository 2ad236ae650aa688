// The process's open-files limit (RLIMIT_NOFILE, soft), so connection caps never promise more
// sockets than the process can open: a port whose cap exceeds the limit would run the daemon out
// of descriptors for git, etcd and its own listening sockets before the cap applies.
import * as fs from 'node:fs';

/** Descriptors kept for everything that is not a client connection (git children, etcd, files). */
export const RESERVED_DESCRIPTORS = 128;

/** The soft limit on open files, from /proc (Linux); undefined where it cannot be read. */
export function openFilesLimit(): number | undefined {
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    const n = Number(soft);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The cap to apply: `requested`, lowered to `share` of the descriptors left after the reserve when
 * the limit is too low for it; `lowered` says so, for a warning.
 */
export function capByOpenFiles(requested: number, share: number, limit = openFilesLimit()): { cap: number; lowered: boolean; limit?: number } {
  if (limit === undefined) return { cap: requested, lowered: false };
  const affordable = Math.max(16, Math.floor((limit - RESERVED_DESCRIPTORS) * share));
  return affordable < requested ? { cap: affordable, lowered: true, limit } : { cap: requested, lowered: false, limit };
}
