// Loading a commit after another with a ParseCache: only files whose Git object ids changed are
// read and parsed, unchanged files give back the same Resource objects, and the result is what a
// load without the cache gives.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitTreeSource } from '../../reconciler/load/git-tree-source';
import { loadEnvironment, LoadedEnvironment } from '../../reconciler/load/load-environment';
import { ParseCache } from '../../reconciler/load/parse-cache';
import { cleanupAfterEach } from '../helpers/cleanups';

/** What a load means to its users: resources (without the locate functions), findings, files, settings. */
function meaning(loaded: LoadedEnvironment) {
  return {
    resources: loaded.resources.map((r) => ({ key: r.key, doc: r.doc, file: r.source.file, docIndex: r.source.docIndex, at: r.source.locate('/spec') })),
    diagnostics: loaded.diagnostics,
    files: loaded.files,
    config: loaded.config,
  };
}

describe('ParseCache (loading by Git object id)', () => {
  const cleanups = cleanupAfterEach();

  it('re-parses only changed blobs, reuses unchanged resources, and loads what a full load does', async () => {
    const repo = cleanups.gitRepo();
    const cache = new ParseCache();
    const load = async () => {
      const source = await GitTreeSource.open(repo.dir, 'HEAD');
      return { cached: await loadEnvironment(source, 'apps', {}, cache), full: await loadEnvironment(await GitTreeSource.open(repo.dir, 'HEAD'), 'apps') };
    };
    const first = await load();
    assert.deepEqual(meaning(first.cached), meaning(first.full));
    const parsedFirst = cache.parsedBlobs;
    assert.ok(parsedFirst >= first.full.files.length, 'the first load parses every file');

    // Change one file: one blob parsed; resources of other files are the same objects.
    const routing = 'environments/apps/routing/service-b.yaml';
    const text = fs.readFileSync(path.join(repo.dir, routing), 'utf8');
    repo.commit('weights', { [routing]: text.replace('weight: 75', 'weight: 70').replace('weight: 25', 'weight: 30') });
    const second = await load();
    assert.equal(cache.parsedBlobs, parsedFirst + 1);
    assert.deepEqual(meaning(second.cached), meaning(second.full));
    for (const resource of second.cached.resources) {
      const before = first.cached.resources.find((r) => r.key === resource.key)!;
      assert.equal(resource === before, resource.source.file !== routing, `${resource.key} is ${resource === before ? '' : 'not '}reused`);
    }

    // Rename a file: its blob is not parsed again, its resources say where they now are.
    fs.mkdirSync(path.join(repo.dir, 'environments/apps/moved'), { recursive: true });
    repo.git('mv', routing, 'environments/apps/moved/service-b.yaml');
    repo.commit('move');
    const third = await load();
    assert.equal(cache.parsedBlobs, parsedFirst + 1);
    assert.deepEqual(meaning(third.cached), meaning(third.full));
    assert.ok(third.cached.resources.some((r) => r.source.file === 'environments/apps/moved/service-b.yaml'));

    // A broken file and back: findings as a full load has them.
    repo.commit('broken', { 'environments/apps/broken.yaml': 'kind: Route\n  bad: [\n' });
    const fourth = await load();
    assert.ok(fourth.cached.diagnostics.some((d) => d.file === 'environments/apps/broken.yaml'));
    assert.deepEqual(meaning(fourth.cached), meaning(fourth.full));
  });

  it('keeps only the last load\'s entries: a blob two loads old is parsed again', async () => {
    const repo = cleanups.gitRepo();
    const cache = new ParseCache();
    const file = 'environments/apps/extra.yaml';
    const doc = (name: string) => `kind: VirtualRouter\nmeshName: apps\nvirtualRouterName: ${name}\nspec:\n  listeners:\n    - portMapping: { port: 8080, protocol: http }\n`;
    repo.commit('a', { [file]: doc('extra-a') });
    await loadEnvironment(await GitTreeSource.open(repo.dir, 'HEAD'), 'apps', {}, cache);
    const afterA = cache.parsedBlobs;
    repo.commit('b', { [file]: doc('extra-b') });
    await loadEnvironment(await GitTreeSource.open(repo.dir, 'HEAD'), 'apps', {}, cache);
    repo.commit('a again', { [file]: doc('extra-a') });
    await loadEnvironment(await GitTreeSource.open(repo.dir, 'HEAD'), 'apps', {}, cache);
    assert.equal(cache.parsedBlobs, afterA + 2, 'extra-b parsed, then extra-a parsed again (released when b replaced it)');
  });
});
