// Leader election on a real etcd: one leader among candidates, a quick hand-over when it resigns,
// and fencing — a leader that is paused (SIGSTOP, as a long GC pause) or partitioned from etcd stops
// counting itself leader before another replica is elected, and its late writes fail in etcd.
import { strict as assert } from 'node:assert';
import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { connectEtcd, EtcdConnection, LeaderElection } from '../../reconciler/ha';
import { EtcdCluster, skipWithoutEtcd } from '../helpers/etcd-cluster';
import { TcpProxy } from '../helpers/tcp-proxy';
import { eventually } from '../helpers/eventually';

const TTL = 2;

interface ChildEvent {
  event?: string;
  reply?: string;
  at?: number;
  value?: number;
  [key: string]: unknown;
}

/** A candidate in its own process (test/ha/election-child.ts). */
class Candidate {
  readonly events: ChildEvent[] = [];
  private constructor(readonly child: ChildProcess) {
    child.on('message', (message: ChildEvent) => this.events.push(message));
  }

  static async start(endpoint: string, prefix: string, id: string): Promise<Candidate> {
    const child = fork(path.join(__dirname, 'election-child.js'), [endpoint, prefix, String(TTL), id], { stdio: 'inherit' });
    const candidate = new Candidate(child);
    await eventually(`${id} to start`, () => candidate.events.some((e) => e.event === 'started'), 10_000);
    return candidate;
  }

  last(event: string): ChildEvent | undefined {
    return this.events.filter((e) => e.event === event).pop();
  }

  async request(cmd: string, extra: Record<string, unknown> = {}): Promise<ChildEvent> {
    const before = this.events.length;
    this.child.send({ cmd, ...extra });
    return eventually(`a reply to ${cmd}`, () => this.events.slice(before).find((e) => e.reply === cmd), 15_000);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

describe('leader election and fencing', function () {
  this.timeout(60_000);
  let cluster: EtcdCluster;
  let prefix: string;
  const cleanup: (() => unknown)[] = [];

  before(async function () {
    skipWithoutEtcd(this);
    cluster = await EtcdCluster.start(1);
  });
  after(async () => cluster?.stop());
  beforeEach(() => (prefix = `/t-${randomBytes(4).toString('hex')}/`));
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('a replica that stops while its campaign is under way never becomes the leader', async () => {
    const connection: EtcdConnection = connectEtcd({ endpoints: cluster.endpoints, prefix, leaseTtlSeconds: TTL });
    const election = new LeaderElection(connection, { value: 'stopping', ttlSeconds: TTL });
    cleanup.push(() => connection.close());
    const elected: number[] = [];
    election.on('elected', () => elected.push(Date.now()));
    election.start();
    await new Promise((resolve) => setTimeout(resolve, 2)); // the campaign's requests are on their way
    // On a quiet machine the campaign may already have won; only an election after this moment is wrong.
    const stopping = Date.now();
    await election.stop();
    // Longer than a campaign takes on loopback, and than the campaign's lease lives.
    await new Promise((resolve) => setTimeout(resolve, (TTL + 1) * 1000));
    assert.deepEqual(elected.filter((at) => at >= stopping), [], 'elected after it began stopping');
    assert.equal(election.isLeader(), false);
    assert.equal(await election.leader(), undefined, 'a leader key outlived the stopped campaign');
  });

  it('elects exactly one of three candidates and hands over within a second when the leader resigns', async () => {
    const elections: LeaderElection[] = [];
    for (let i = 0; i < 3; i++) {
      const connection: EtcdConnection = connectEtcd({ endpoints: cluster.endpoints, prefix, leaseTtlSeconds: TTL });
      const election = new LeaderElection(connection, { value: `replica-${i}`, ttlSeconds: TTL });
      cleanup.push(() => connection.close(), () => election.stop());
      election.start();
      elections.push(election);
    }
    const leader = await eventually('a leader', () => elections.find((e) => e.isLeader()), 10_000);
    for (let i = 0; i < 10; i++) {
      assert.equal(elections.filter((e) => e.isLeader()).length, 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(await leader.leader(), `replica-${elections.indexOf(leader)}`);
    const resigned = Date.now();
    await leader.stop();
    const next = await eventually('the next leader', () => elections.find((e) => e !== leader && e.isLeader()), 5_000);
    assert.ok(Date.now() - resigned < 1_000, `hand-over took ${Date.now() - resigned} ms`);
    assert.equal(await next.leader(), `replica-${elections.indexOf(next)}`);
  });

  it('a paused leader (SIGSTOP) is replaced only after its lease is proven over, and its writes fail after it resumes', async () => {
    const old = await Candidate.start(cluster.endpoints[0], prefix, 'old');
    cleanup.push(() => old.kill());
    await eventually('the first candidate to lead', () => old.last('elected'), 10_000);
    assert.equal((await old.request('commit', { marker: 1 })).ok, 'applied');
    const next = await Candidate.start(cluster.endpoints[0], prefix, 'next');
    cleanup.push(() => next.kill());
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lastProven = old.last('validUntil')!.value!;

    old.child.kill('SIGSTOP');
    const paused = Date.now();
    const elected = await eventually('the second candidate to lead', () => next.last('elected'), (TTL + 3) * 1000);
    assert.ok(elected.at! > lastProven, `the new leader started ${lastProven - elected.at!} ms before the old leader's lease was over`);
    assert.ok(elected.at! - paused <= (TTL + 1) * 1000, `failover took ${elected.at! - paused} ms (TTL ${TTL} s)`);
    assert.equal((await next.request('commit', { marker: 2 })).ok, 'applied');

    old.child.kill('SIGCONT');
    const commit = await old.request('commit', { marker: 3 });
    assert.equal(commit.error, 'NotLeaderError', JSON.stringify(commit));
    // A write that had passed the local check before the pause is refused by etcd's fence.
    assert.equal((await old.request('replay')).succeeded, false);
    await eventually('the old leader to notice', () => old.last('deposed'), 5_000);
  });

  it('a partitioned leader steps down before the other replica is elected', async () => {
    const proxy = await TcpProxy.start(Number(new URL(cluster.endpoints[0]).port));
    cleanup.push(() => proxy.stop());
    const old = await Candidate.start(proxy.url, prefix, 'old');
    cleanup.push(() => old.kill());
    await eventually('the first candidate to lead', () => old.last('elected'), 10_000);
    const next = await Candidate.start(cluster.endpoints[0], prefix, 'next');
    cleanup.push(() => next.kill());
    await new Promise((resolve) => setTimeout(resolve, 300));

    proxy.cut();
    const deposed = await eventually('the partitioned leader to step down', () => old.last('deposed'), (TTL + 2) * 1000);
    const elected = await eventually('the other candidate to lead', () => next.last('elected'), (TTL + 3) * 1000);
    assert.ok(deposed.at! < elected.at!, `the old leader stepped down ${deposed.at! - elected.at!} ms after the new one was elected`);
    const commit = await old.request('commit', { marker: 9 });
    assert.equal(commit.error, 'NotLeaderError', JSON.stringify(commit));

    proxy.heal();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(old.events.filter((e) => e.event === 'elected').length, 1, 'the healed replica campaigns again but does not lead');
  });
});
