// 200 random commits to a generated environment (bench/synthetic-mesh.ts, 201 resources) served by
// the daemon, which reuses what each commit left unchanged; after every one, the snapshot it serves
// each proxy equals a from-scratch load and translation of the commit it serves (an invalid commit
// keeps the previous one serving).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { EnvoyTranslator } from '../../provider/envoy/translator';
import { ProxySnapshot } from '../../provider/envoy/snapshot';
import { MeshModel } from '../../provider/model/mesh-model';
import { Daemon } from '../../reconciler/daemon/daemon';
import { operatorConfig } from '../../reconciler/operator/operator-config';
import { GitTreeSource } from '../../reconciler/load/git-tree-source';
import { loadEnvironment } from '../../reconciler/load/load-environment';
import { Document, syntheticMeshDocuments, writeSyntheticEnvironment } from '../../bench/synthetic-mesh';
import { cleanupAfterEach } from '../helpers/cleanups';
import { eventually } from '../helpers/eventually';

const ENV = 'synth';
const SERVICES = 50;
const COMMITS = 200;

/** A small deterministic generator, so a failure names a reproducible commit sequence. */
function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
}

function hashes(snapshot: ProxySnapshot | undefined) {
  if (!snapshot) return undefined;
  return [...snapshot.resources].map(([type, named]) => [type, [...named].map(([name, r]) => [name, r.hash]).sort()]).sort();
}

describe('the daemon after 200 random commits', function () {
  this.timeout(1_200_000);
  const cleanups = cleanupAfterEach();

  it('serves, after each commit, what a from-scratch translation of the live commit gives', async () => {
    const repo = cleanups.gitRepo({ withApps: false });
    const docs = syntheticMeshDocuments({ services: SERVICES, backendsPerNode: 3, meshName: ENV });
    writeSyntheticEnvironment(repo.dir, ENV, docs, SERVICES + 20);
    repo.commit('generated environment');
    // No commit statuses (git notes): what is checked here is what the daemon serves.
    const operator = operatorConfig({ defaultReporters: [] });
    const daemon = await Daemon.start({ repo: repo.dir, dataDir: cleanups.tempDir('meshplane-random-commits-'), xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', ackTimeoutMs: 1000, driftIntervalMs: 3_600_000, operator });
    cleanups.push(() => daemon.stop());
    const reconciler = () => daemon.reconcilers.get(ENV);
    await eventually('the first commit served', () => (reconciler()?.live?.commit === repo.head() ? true : undefined), 120_000);

    const next = random(18);
    const dir = path.join(repo.dir, 'environments', ENV);
    // A service's file is at service-<i>.yaml or, once renamed, at moved/service-<i>.yaml.
    const serviceFile = (i: number) => [path.join(dir, 'moved', `service-${i}.yaml`), path.join(dir, `service-${i}.yaml`)].find((f) => fs.existsSync(f))!;
    fs.mkdirSync(path.join(dir, 'moved'));
    const write = (file: string, group: Document[]) => fs.writeFileSync(file, group.map((d) => stringify(d)).join('---\n'));
    const group = (i: number) => docs.slice(1 + 4 * i, 5 + 4 * i).map((d) => structuredClone(d));
    const results = new Map<string, number>();
    for (let n = 0; n < COMMITS; n++) {
      const i = next(SERVICES);
      const edits = [
        () => {
          const g = group(i);
          (g[2].spec as { httpRoute: { retryPolicy: { maxRetries: number } } }).httpRoute.retryPolicy.maxRetries = next(10);
          write(serviceFile(i), g);
        },
        () => {
          const g = group(i);
          (g[0].spec as { listeners: Array<{ portMapping: { port: number } }> }).listeners[0].portMapping.port = 8000 + next(100);
          write(serviceFile(i), g);
        },
        () => write(path.join(dir, `extra-${next(5)}.yaml`), [{ kind: 'VirtualRouter', meshName: ENV, virtualRouterName: `extra-${n}`, spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] } }]),
        () => {
          const extras = fs.readdirSync(dir).filter((f) => f.startsWith('extra-'));
          if (extras.length > 0) fs.rmSync(path.join(dir, extras[next(extras.length)]));
        },
        () => {
          const from = serviceFile(i);
          fs.renameSync(from, from.includes('/moved/') ? path.join(dir, `service-${i}.yaml`) : path.join(dir, 'moved', `service-${i}.yaml`));
        },
        () => fs.writeFileSync(path.join(dir, 'broken.yaml'), 'kind: Route\nspec: [unclosed\n'),
        () => fs.rmSync(path.join(dir, 'broken.yaml'), { force: true }),
        () => write(serviceFile(i), group(i)),
      ];
      // Every 50 commits a broken file comes and goes, whatever the random draws: invalid commits are always among them.
      const forced = n % 50 === 25 ? 5 : n % 50 === 26 ? 6 : undefined;
      edits[forced ?? next(edits.length)]();
      const commit = repo.commit(`random commit ${n}`);
      const last = await eventually(`commit ${n} reconciled`, () => (reconciler()?.last?.commit === commit ? reconciler()!.last : undefined), 60_000);
      results.set(last.result, (results.get(last.result) ?? 0) + 1);

      const live = reconciler()!.live!;
      const loaded = await loadEnvironment(await GitTreeSource.open(repo.dir, live.commit!), ENV);
      const fresh = new EnvoyTranslator();
      fresh.update(new MeshModel(loaded.resources), loaded.config, daemon.registry);
      const served = daemon.sources.of(ENV);
      for (const proxy of fresh.proxies()) {
        assert.deepEqual(hashes(served.snapshot(proxy, 'envoy')), hashes(fresh.snapshot(proxy, 'envoy')), `${proxy.name} after commit ${n} (${last.result}: ${last.description})`);
      }
      assert.equal(served.translator.proxies().length, fresh.proxies().length, `proxies after commit ${n}`);
    }
    assert.ok((results.get('applied') ?? 0) > COMMITS / 3, `most commits applied: ${JSON.stringify([...results])}`);
    assert.ok((results.get('invalid') ?? 0) > 0, `some commits invalid: ${JSON.stringify([...results])}`);
  });
});
