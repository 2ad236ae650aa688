// Where the daemon and the CLI keep their files: one data directory, `<repo>/.meshplane` unless
// --data-dir or $MESHPLANE_DATA_DIR say otherwise (git-ignored). The embedded state store is its
// state/ folder for both, so `meshplane plan` right after the daemon applied sees that revision,
// and both honour the same per-environment lock. --state-dir / $MESHPLANE_STATE_DIR still point
// the CLI at a state store elsewhere.
import * as path from 'node:path';

export const DATA_DIR_VARIABLE = 'MESHPLANE_DATA_DIR';
export const STATE_DIR_VARIABLE = 'MESHPLANE_STATE_DIR';
export const DEFAULT_DATA_DIR = '.meshplane';

export interface StateLocationOptions {
  dataDir?: string;
  stateDir?: string;
}

/** The state store inside a data directory. */
export function stateStoreDir(dataDir: string): string {
  return path.join(dataDir, 'state');
}

export function resolveDataDir(options: StateLocationOptions, repositoryDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = options.dataDir ?? env[DATA_DIR_VARIABLE];
  return chosen ? path.resolve(chosen) : path.join(path.resolve(repositoryDir), DEFAULT_DATA_DIR);
}

export function resolveStateDir(options: StateLocationOptions, repositoryDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = options.stateDir ?? env[STATE_DIR_VARIABLE];
  return chosen ? path.resolve(chosen) : stateStoreDir(resolveDataDir(options, repositoryDir, env));
}
