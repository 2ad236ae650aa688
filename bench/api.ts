// App Mesh API benchmark (issue 16). Create → commit → all affected proxies ACKed: 100 Envoy
// sidecars of serviceA (ACKing at once, from a load generator in another process) follow the
// canary environment served by an in-process daemon; each call creates a route on the serviceB
// router (which serviceA's route table shows), timed from the call until all 100 ACKed it.
// The floor, measured in the same run on the same daemon and streams: the same kind of change as
// a plain `git commit` of a new route file, timed from the commit to all ACKed (bench/daemon.ts).
// Target: the API path at most 2× the plain commit (it adds one load and validation of the
// environment and a commit before the daemon sees the same change).
// Reads: DescribeVirtualNode and ListVirtualNodes (every page) through the AWS SDK for JavaScript
// against an environment of 10,000 resources (bench/synthetic-mesh.ts), after one warm-up read
// that builds the head snapshot. Floor: the same SDK call refused for an unknown access key (HTTP,
// SigV4 and the SDK's own work, no model). Targets: a Describe at most 5× that, a page of 100 at
// most 20×.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { ApiCaller } from '../reconciler/api/write/api-mutation';
import { createGitApiWriter } from '../reconciler/api/write/git-api-writer';
import { AppMesh } from '@aws-sdk/client-app-mesh';
import { createAppMeshApi } from '../reconciler/api/app-mesh-api';
import { startHttpServer } from '../reconciler/http/http-server';
import { SecretSources } from '../reconciler/operator/secret-source';
import { openCheckout } from '../reconciler/source/git-source';
import { FileStateStore } from '../reconciler/state';
import { ratioAtMost, Report } from './report';
import { syntheticMeshDocuments, writeSyntheticEnvironment } from './synthetic-mesh';
import { CanaryFleet, gitIn, percentile } from './xds/proxy-acks';

const PROXIES = 100;
const CALLS = 50;
/** Plain commits timed for the floor (as many as bench/daemon.ts times). */
const COMMITS = 20;
const WARM_UP = 3;
const CALLER: ApiCaller = { identity: 'bench', name: 'bench', email: 'bench@example.com' };

function routeSpec(prefix: string) {
  return { http2Route: { match: { prefix }, action: { weightedTargets: [{ virtualNode: 'serviceB', weight: 1 }] } } };
}

export async function run(report: Report): Promise<void> {
  await createToAck(report);
  await reads(report);
}

async function createToAck(report: Report): Promise<void> {
  // Room for every route the run creates on one router.
  const quota = `quotas:\n  routesPerVirtualRouter: ${CALLS + COMMITS + 2 * WARM_UP + 10}\n`;
  const fleet = await CanaryFleet.start({ name: 'api', proxies: PROXIES, prepare: (repo) => fs.appendFileSync(path.join(repo, 'environments/apps/environment.yaml'), quota) });
  const { repo, daemon } = fleet;
  const writer = createGitApiWriter({ checkout: daemon.source.checkout, branch: daemon.source.branch, afterCommit: () => daemon.source.check() });
  try {
    // Floor: a plain commit of a new route file.
    const commitTimes = await fleet.timeToAllAcked('the commit', WARM_UP, COMMITS, (i) => {
      const route = { kind: 'Route', meshName: 'apps', virtualRouterName: 'serviceB', routeName: `plain-${i}`, spec: routeSpec(`/plain-${i}`) };
      fs.writeFileSync(path.join(repo, `environments/apps/plain-${i}.yaml`), stringify(route));
      fleet.git('add', '-A');
      fleet.git('commit', '-q', '-m', `route plain-${i}`);
      return performance.now();
    });

    // The API path: CreateRoute → validated commit → all ACKed.
    const apiTimes = await fleet.timeToAllAcked('the API change', WARM_UP, CALLS, async (i) => {
      const started = performance.now();
      const target = { kind: 'Route' as const, meshName: 'apps', virtualRouterName: 'serviceB', name: `api-${i}` };
      const result = await writer.write('apps', { op: 'create', target, spec: routeSpec(`/api-${i}`) }, CALLER, 'CreateRoute');
      if (!result.ok) throw new Error(`bench: CreateRoute failed: ${result.errorType}: ${result.message}`);
      return started;
    });

    report({
      measurement: `api CreateRoute to all ${PROXIES} proxies ACKed, p50 (local repo)`,
      value: percentile(apiTimes, 50),
      unit: 'ms',
      floor: percentile(commitTimes, 50),
      target: ratioAtMost(2),
      details: { p95_ms: percentile(apiTimes, 95), floor_p95_ms: percentile(commitTimes, 95), calls: CALLS, commits: COMMITS },
    });
  } finally {
    await fleet.stop();
  }
}

const SERVICES = 2_500; // 4 resources each, and the mesh: 10,001 resources
const DESCRIBES = 300;
const CONCURRENCY = 8;
const KEY = { accessKeyId: 'AKIAMESHPLANEBENCH01', secretAccessKey: 'bench-secret-0123456789' };

async function reads(report: Report): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-bench-api-reads-'));
  const repo = path.join(dir, 'repo');
  fs.mkdirSync(repo);
  writeSyntheticEnvironment(repo, 'big', syntheticMeshDocuments({ services: SERVICES, backendsPerNode: 2 }), SERVICES);
  gitIn(repo, 'init', '-q', '-b', 'main');
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '-q', '-m', 'big');
  const api = await createAppMeshApi({
    checkout: await openCheckout({ repo, branch: 'main', dataDir: path.join(dir, 'data') }),
    branch: 'main',
    store: new FileStateStore(path.join(dir, 'state')),
    settings: { keys: [{ accessKeyId: KEY.accessKeyId, secretAccessKey: { env: 'BENCH_SECRET' }, identity: 'bench', read: ['*'], write: [] }], readOnly: [] },
    secrets: new SecretSources({ variables: { BENCH_SECRET: KEY.secretAccessKey } }),
  });
  const server = await startHttpServer(api.routes);
  const client = (credentials = KEY) => new AppMesh({ endpoint: server.url, region: 'us-west-2', credentials, maxAttempts: 1 });
  const known = client();
  const unknown = client({ accessKeyId: 'AKIAMESHPLANEUNKNOWN', secretAccessKey: 'nope-0123456789' });
  try {
    const cold = performance.now();
    await known.describeVirtualNode({ meshName: 'bench', virtualNodeName: 'node-0' });
    const coldMs = performance.now() - cold;
    const refused = await perCall(DESCRIBES, (i) => unknown.describeVirtualNode({ meshName: 'bench', virtualNodeName: `node-${i % SERVICES}` }).catch(() => undefined));
    const describe = await perCall(DESCRIBES, (i) => known.describeVirtualNode({ meshName: 'bench', virtualNodeName: `node-${i % SERVICES}` }));
    report({
      measurement: `api DescribeVirtualNode, ${SERVICES * 4 + 1}-resource environment, ${CONCURRENCY} concurrent, per call`,
      value: describe.msPerCall,
      unit: 'ms',
      floor: refused.msPerCall,
      target: ratioAtMost(5),
      details: { calls_per_s: Math.round(describe.perSecond), first_read_ms: Math.round(coldMs) },
    });
    let pages = 0;
    let nodes = 0;
    const started = performance.now();
    let nextToken: string | undefined;
    do {
      const page = await known.listVirtualNodes({ meshName: 'bench', limit: 100, nextToken });
      pages += 1;
      nodes += page.virtualNodes?.length ?? 0;
      nextToken = page.nextToken;
    } while (nextToken);
    const listMs = (performance.now() - started) / pages;
    if (nodes !== SERVICES) throw new Error(`bench: ListVirtualNodes returned ${nodes} nodes, expected ${SERVICES}`);
    report({
      measurement: `api ListVirtualNodes limit=100 over ${SERVICES} nodes, per page`,
      value: listMs,
      unit: 'ms',
      floor: refused.msPerCall,
      target: ratioAtMost(20),
      details: { pages, nodes_per_s: Math.round((nodes / (listMs * pages)) * 1000) },
    });
  } finally {
    known.destroy();
    unknown.destroy();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `count` calls, CONCURRENCY at a time: time per call (wall clock / count) and calls per second. */
async function perCall(count: number, call: (i: number) => Promise<unknown>): Promise<{ msPerCall: number; perSecond: number }> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await call(next++);
    }),
  );
  const elapsed = performance.now() - started;
  return { msPerCall: elapsed / count, perSecond: (count / elapsed) * 1000 };
}
