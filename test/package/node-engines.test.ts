// Every installed package supports the Node versions this package declares (`engines.node`): a
// dependency that wants Node 22 makes `npm ci` warn on the Node 20 we support, and may use APIs
// Node 20 lacks. package-lock.json records each package's engines as published.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import { REPO_ROOT } from '../helpers/paths';

interface LockedPackage {
  version?: string;
  dev?: boolean;
  engines?: { node?: string } | string[];
}

/** mocha 12 needs ^20.19.0: developing (not running) meshplane on Node 20 needs 20.19 or later (docs/development.md). */
const DEVELOPMENT_NODE_20 = '20.19.0';

function lockedPackages(): Array<[string, LockedPackage]> {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };
  return Object.entries(lock.packages).filter(([location]) => location !== '');
}

function nodeRange(entry: LockedPackage): string | undefined {
  // A few old packages publish engines as an array of strings.
  return Array.isArray(entry.engines) ? undefined : entry.engines?.node;
}

describe('Node engines of the installed packages', () => {
  const declared = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  const oldestSupported = semver.minVersion(declared)!.version;

  it(`meshplane declares Node 20 (${declared})`, () => {
    assert.equal(semver.major(oldestSupported), 20);
  });

  it(`every runtime dependency in package-lock.json accepts Node ${oldestSupported}, the oldest meshplane declares`, () => {
    const excluding = lockedPackages()
      .filter(([, entry]) => !entry.dev)
      .filter(([, entry]) => nodeRange(entry) !== undefined && !semver.satisfies(oldestSupported, nodeRange(entry)!, { loose: true }))
      .map(([location, entry]) => `${location}@${entry.version} requires node ${nodeRange(entry)}`);
    assert.deepEqual(excluding, [], 'pin a version of the dependency (or of the package that pulls it in) that supports Node 20');
  });

  it(`every development dependency accepts Node ${DEVELOPMENT_NODE_20}`, () => {
    const excluding = lockedPackages()
      .filter(([, entry]) => entry.dev)
      .filter(([, entry]) => nodeRange(entry) !== undefined && !semver.satisfies(DEVELOPMENT_NODE_20, nodeRange(entry)!, { loose: true }))
      .map(([location, entry]) => `${location}@${entry.version} requires node ${nodeRange(entry)}`);
    assert.deepEqual(excluding, []);
  });
});
