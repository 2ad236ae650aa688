// Where the embedded state store lives: --state-dir, else $MESHPLANE_STATE_DIR, else
// `.meshplane/` inside the mesh repository (git-ignored).
import * as path from 'node:path';

export const STATE_DIR_VARIABLE = 'MESHPLANE_STATE_DIR';
export const DEFAULT_STATE_DIR = '.meshplane';

export function resolveStateDir(flag: string | undefined, repositoryDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env[STATE_DIR_VARIABLE];
  return chosen ? path.resolve(chosen) : path.join(path.resolve(repositoryDir), DEFAULT_STATE_DIR);
}
