// Where the generated schemas and the API model they come from live, found from the
// compiled file's location so that the CLI, the daemon and the tests agree.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kind } from '../model/kinds';

/** The folder holding package.json, walking up from `startDir`. */
export function findRepoRoot(startDir: string = __dirname): string {
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) {
      throw new Error(`No package.json above ${startDir}: meshplane must run from inside its repository or package.`);
    }
  }
}

export function schemasDir(repoRoot: string = findRepoRoot()): string {
  return path.join(repoRoot, 'schemas');
}

/** The botocore App Mesh model; MESHPLANE_API_MODEL overrides the sibling `shared/` checkout. */
export function apiModelPath(repoRoot: string = findRepoRoot()): string {
  return process.env.MESHPLANE_API_MODEL ?? path.join(repoRoot, '..', 'shared', 'spec', 'appmesh-api-model.json');
}

/** `VirtualNode` → `virtual-node.schema.json`. */
export function schemaFileName(kind: Kind): string {
  return kind.replace(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase() + '.schema.json';
}

export const TYPES_FILE_NAME = 'types.ts';
