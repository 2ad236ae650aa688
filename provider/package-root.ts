// The installed package's root (the folder with package.json), whether running from dist/ or a checkout.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRepoRoot } from './schema/schema-location';

export const PACKAGE_ROOT = findRepoRoot(__dirname);

/** The version in the package's package.json (`meshplane --version`, SARIF's tool version). */
export function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? '0.0.0';
}
