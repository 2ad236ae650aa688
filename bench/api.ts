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
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { TYPE_URLS } from '../provider/envoy/snapshot';
import { PACKAGE_ROOT } from '../provider/package-root';
import { ApiCaller } from '../reconciler/api/write/api-mutation';
import { createGitApiWriter } from '../reconciler/api/write/git-api-writer';
import { Daemon } from '../reconciler/daemon/daemon';
import { AppMesh } from '@aws-sdk/client-app-mesh';
import { createAppMeshApi } from '../reconciler/api/app-mesh-api';
import { startHttpServer } from '../reconciler/http/http-server';
import { SecretSources } from '../reconciler/operator/secret-source';
import { openCheckout } from '../reconciler/source/git-source';
import { FileStateStore } from '../reconciler/state';
import { ratioAtMost, Report } from './report';
import { syntheticMeshDocuments, writeSyntheticEnvironment } from './synthetic-mesh';
import { until, UntilOptions } from './until';
import { GeneratorProcess } from './xds/generator-process';
import type { ProxyPlan } from './xds/load-generator';
import { allAcked, percentile, routeVersion } from './xds/proxy-acks';

const PROXIES = 100;
const CALLS = 50;
/** Plain commits timed for the floor (as many as bench/daemon.ts times). */
const COMMITS = 20;
const WARM_UP = 3;
const WAIT: UntilOptions = { timeoutMs: 60_000, everyMs: 2 };
const SERVICE_A = { kind: 'VirtualNode' as const, meshName: 'apps', name: 'serviceA' };
const CALLER: ApiCaller = { identity: 'bench', name: 'bench', email: 'bench@example.com' };

function routeSpec(prefix: string) {
  return { http2Route: { match: { prefix }, action: { weightedTargets: [{ virtualNode: 'serviceB', weight: 1 }] } } };
}

export async function run(report: Report): Promise<void> {
  await createToAck(report);
  await reads(report);
}

async function createToAck(report: Report): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-bench-api-'));
  const repo = path.join(dir, 'repo');
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@b' }, stdio: 'ignore' });
  fs.mkdirSync(repo);
  fs.cpSync(path.join(PACKAGE_ROOT, 'environments', 'apps'), path.join(repo, 'environments', 'apps'), { recursive: true });
  // Room for every route the run creates on one router.
  fs.appendFileSync(path.join(repo, 'environments/apps/environment.yaml'), `quotas:\n  routesPerVirtualRouter: ${CALLS + COMMITS + 2 * WARM_UP + 10}\n`);
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'canary');

  const daemon = await Daemon.start({ repo, dataDir: path.join(dir, 'data'), xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', pollIntervalMs: 60_000, driftIntervalMs: 60_000 });
  const generator = await GeneratorProcess.start();
  const writer = createGitApiWriter({ checkout: daemon.source.checkout, branch: daemon.source.branch, afterCommit: () => daemon.source.check() });
  try {
    await until('the first commit to be live', () => daemon.environments()[0]?.live !== undefined, WAIT);
    const snapshot = daemon.sources.of('apps').snapshot(SERVICE_A, 'envoy')!;
    const plan: ProxyPlan = {
      nodeId: 'mesh/apps/virtualNode/serviceA',
      routes: [...(snapshot.resources.get(TYPE_URLS.routeConfiguration)?.keys() ?? [])],
      endpoints: [...(snapshot.resources.get(TYPE_URLS.clusterLoadAssignment)?.keys() ?? [])],
    };
    await generator.send({ cmd: 'connect', address: daemon.xdsAddress, protocol: 'sotw', proxies: Array.from({ length: PROXIES }, () => plan) }, 'opened');
    await until(`${PROXIES} proxies to connect and ACK`, () => allAcked(daemon, PROXIES, undefined), WAIT);

    // Floor: a plain commit of a new route file.
    const commitTimes: number[] = [];
    for (let i = 0; i < WARM_UP + COMMITS; i++) {
      const before = routeVersion(daemon);
      const route = { kind: 'Route', meshName: 'apps', virtualRouterName: 'serviceB', routeName: `plain-${i}`, spec: routeSpec(`/plain-${i}`) };
      fs.writeFileSync(path.join(repo, `environments/apps/plain-${i}.yaml`), stringify(route));
      git('add', '-A');
      git('commit', '-q', '-m', `route plain-${i}`);
      const started = performance.now();
      await until('all proxies to ACK the commit', () => allAcked(daemon, PROXIES, before), WAIT);
      if (i >= WARM_UP) commitTimes.push(performance.now() - started);
      await daemon.idle();
    }

    // The API path: CreateRoute → validated commit → all ACKed.
    const apiTimes: number[] = [];
    for (let i = 0; i < WARM_UP + CALLS; i++) {
      const before = routeVersion(daemon);
      const started = performance.now();
      const target = { kind: 'Route' as const, meshName: 'apps', virtualRouterName: 'serviceB', name: `api-${i}` };
      const result = await writer.write('apps', { op: 'create', target, spec: routeSpec(`/api-${i}`) }, CALLER, 'CreateRoute');
      if (!result.ok) throw new Error(`bench: CreateRoute failed: ${result.errorType}: ${result.message}`);
      await until('all proxies to ACK the API change', () => allAcked(daemon, PROXIES, before), WAIT);
      if (i >= WARM_UP) apiTimes.push(performance.now() - started);
      await daemon.idle();
    }

    report({
      measurement: `api CreateRoute to all ${PROXIES} proxies ACKed, p50 (local repo)`,
      value: percentile(apiTimes, 50),
      unit: 'ms',
      floor: percentile(commitTimes, 50),
      target: ratioAtMost(2),
      details: { p95_ms: percentile(apiTimes, 95), floor_p95_ms: percentile(commitTimes, 95), calls: CALLS, commits: COMMITS },
    });
  } finally {
    await generator.stop();
    await daemon.stop();
    fs.rmSync(dir, { recursive: true, force: true });
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
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@b' }, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'big');
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
