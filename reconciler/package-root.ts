// The installed package's root (the folder with package.json), whether running from dist/ or a checkout.
import * as fs from 'node:fs';
import * as path from 'node:path';

function findPackageRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}: meshplane's files are incomplete; reinstall the package.`);
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot(__dirname);
