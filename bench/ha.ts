// HA benchmark (issues 11, 18): commit-to-all-ACKed latency with 300 proxies on 3 `meshplane serve
// --store etcd` replicas (100 proxies each, 3-member etcd on loopback), as a ratio to the same
// measurement on one embedded-store process with all 300 proxies, measured in the same run.
// Proxies are protocol-level ADS streams (state of the world) subscribed to their route
// configurations; each commit changes the canary weights of one route, so every proxy gets one RDS
// push, and the time runs from `git commit` to the last proxy's ACK. Both set-ups run side by side
// and take the same commits in alternation (one process, then the replicas, round after round), so
// a machine whose load drifts during the run weighs on both medians alike.
import { TYPE_URLS } from '../provider/envoy/snapshot';
import { DaemonProcess } from '../test/daemon/daemon-process';
import { EtcdCluster, etcdMissingReason } from '../test/helpers/etcd-cluster';
import { GitRepo, makeGitRepo, tempDir } from '../test/helpers/temp-repo';
import { AdsTestClient, envoyNode, SotwStream } from '../test/xds/helpers/ads-client';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Report, ratioAtMost } from './report';

const PROXIES = 300;
const ROUNDS = 7;
const ROUTING = 'environments/apps/routing/service-b.yaml';
/** Each proxy on its own HTTP/2 connection, as separate Envoys are (grpc-js would share one). */
const OWN_CONNECTION = { 'grpc.use_local_subchannel_pool': 1 };

/** One proxy: ACKs every route configuration it is sent, remembering when it ACKed which version. */
class BenchProxy {
  version = '';
  ackedAt = 0;
  private readonly stream: SotwStream;

  constructor(
    private readonly client: AdsTestClient,
    nodeId: string,
  ) {
    this.stream = client.sotw();
    this.stream.send({ node: envoyNode(nodeId), type_url: TYPE_URLS.routeConfiguration, resource_names: ['*'] });
    void this.loop();
  }

  private async loop(): Promise<void> {
    for (;;) {
      const response = await this.stream.next(600_000).catch(() => undefined);
      if (!response) return;
      this.stream.send({ type_url: response.type_url, version_info: response.version_info, response_nonce: response.nonce, resource_names: ['*'] });
      this.version = response.version_info;
      this.ackedAt = Date.now();
    }
  }

  close(): void {
    this.stream.cancel();
    this.client.close();
  }
}

async function waitUntil(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`bench/ha: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** One set-up under measurement: its repository and the proxies spread evenly over its replicas' xDS addresses. */
class Setup {
  readonly times: number[] = [];
  private readonly proxies: BenchProxy[];

  constructor(
    private readonly repo: GitRepo,
    private readonly routing: string,
    xdsAddresses: string[],
  ) {
    this.proxies = Array.from({ length: PROXIES }, (_, i) => new BenchProxy(new AdsTestClient(xdsAddresses[i % xdsAddresses.length], undefined, OWN_CONNECTION), 'mesh/apps/virtualNode/serviceA'));
  }

  connected(): Promise<void> {
    return waitUntil('every proxy to get its routes', () => this.proxies.every((p) => p.version !== ''), 60_000);
  }

  /** Commits a new weight for the canary route and records the time until every proxy ACKed it. */
  async round(round: number): Promise<void> {
    const before = this.proxies[0].version;
    const started = Date.now();
    const b = round % 2 === 0 ? 75 : 40;
    this.repo.commit(`bench round ${round}`, { [ROUTING]: this.routing.replace('weight: 75', `weight: ${b}`).replace('weight: 25', `weight: ${100 - b}`) });
    await waitUntil(`round ${round} to reach every proxy`, () => this.proxies.every((p) => p.version !== before && p.ackedAt >= started), 60_000);
    this.times.push(Math.max(...this.proxies.map((p) => p.ackedAt)) - started);
    // Let the replicas settle (sync statuses, drift) before the next commit.
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  median(): number {
    const sorted = [...this.times].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  close(): void {
    for (const proxy of this.proxies) proxy.close();
  }
}

/** Waits until the daemon serves the first commit (proxies of unknown identities are refused). */
async function ready(daemon: DaemonProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await daemon.get('/readyz').catch(() => ({ status: 0 }))).status !== 200) {
    if (Date.now() > deadline) throw new Error('bench/ha: a daemon did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function serveArgs(repo: GitRepo, dataDir: string): string[] {
  return ['--repo', repo.dir, '--data-dir', dataDir, '--xds-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--poll-interval', '0.1', '--ack-timeout', '30'];
}

export async function run(report: Report): Promise<void> {
  const missing = etcdMissingReason();
  if (missing) {
    report.skip('ha: 3 replicas on etcd vs 1 process, commit to all ACKed', missing);
    return;
  }
  const dirs: string[] = [];
  const processes: DaemonProcess[] = [];
  let cluster: EtcdCluster | undefined;
  const repos: GitRepo[] = [];
  const setups: Setup[] = [];
  try {
    // Floor: one process, embedded store, all proxies on it.
    const single = makeGitRepo();
    repos.push(single);
    const routing = fs.readFileSync(path.join(single.dir, ROUTING), 'utf8');
    dirs.push(tempDir('meshplane-bench-single-'));
    const alone = await DaemonProcess.start(serveArgs(single, dirs[0]));
    processes.push(alone);

    cluster = await EtcdCluster.start(3);
    const shared = makeGitRepo();
    repos.push(shared);
    const replicas: DaemonProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const dir = tempDir(`meshplane-bench-replica-${i}-`);
      dirs.push(dir);
      const replica = await DaemonProcess.start([...serveArgs(shared, dir), '--store', 'etcd', '--etcd-endpoints', cluster.endpoints.join(','), '--etcd-lease-ttl', '5', '--replica-id', `bench-${i}`]);
      processes.push(replica);
      replicas.push(replica);
    }
    for (const daemon of [alone, ...replicas]) await ready(daemon);
    const floor = new Setup(single, routing, [alone.xds]);
    const ha = new Setup(shared, routing, replicas.map((r) => r.xds));
    setups.push(floor, ha);
    await floor.connected();
    await ha.connected();
    for (let round = 1; round <= ROUNDS; round++) {
      await floor.round(round);
      await ha.round(round);
    }
    report({
      measurement: `ha N=${PROXIES} 3 replicas on etcd vs 1 process, commit to all ACKed`,
      value: ha.median(),
      unit: 'ms',
      floor: floor.median(),
      target: ratioAtMost(1.3),
      details: { proxies: PROXIES, rounds: ROUNDS, single_ms: floor.times.join('/'), replicas_ms: ha.times.join('/') },
    });
  } finally {
    for (const setup of setups) setup.close();
    for (const process of processes) await process.kill();
    await cluster?.stop();
    for (const repo of repos) repo.remove();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}
