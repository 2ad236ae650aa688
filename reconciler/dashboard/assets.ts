// The dashboard's static files (HTML, JS, CSS), served from the package as they are: no build
// step, nothing fetched from the internet. Only files present at start are served.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_ROOT } from '../../provider/package-root';

export const ASSETS_DIR = path.join(PACKAGE_ROOT, 'reconciler', 'dashboard', 'assets');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface Asset {
  body: Buffer;
  contentType: string;
}

/** Reads the assets once; a missing folder gives an empty set (the routes then say what is wrong). */
export function loadAssets(dir = ASSETS_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  for (const name of names) {
    const type = TYPES[path.extname(name)];
    if (type) assets.set(name, { body: fs.readFileSync(path.join(dir, name)), contentType: type });
  }
  return assets;
}
