// Real etcd clusters for tests: 1 or 3 members of Debian's etcd-server on free loopback ports, data
// in a temp dir. Members can be SIGKILLed, stopped and restarted; the test stops the cluster.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** Why etcd tests cannot run here, or undefined when `etcd` is on PATH. */
export function etcdMissingReason(): string | undefined {
  try {
    execFileSync('etcd', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'the `etcd` binary is not on PATH (install Debian\'s etcd-server: apt-get install -y etcd-server; .ci/run does it in CI)';
  }
}

/** Skips the calling suite with the reason when etcd is missing (use in `before`). */
export function skipWithoutEtcd(context: Mocha.Context): void {
  const reason = etcdMissingReason();
  if (reason) {
    // eslint-disable-next-line no-console
    console.log(`      skipped: ${reason}`);
    context.skip();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Member {
  name: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
  process?: ChildProcess;
  log: string[];
}

export class EtcdCluster {
  private constructor(
    readonly dir: string,
    private readonly members: Member[],
    private readonly token: string,
  ) {}

  /** Starts `size` members and waits until the cluster has a leader. */
  static async start(size = 1): Promise<EtcdCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-etcd-'));
    const members: Member[] = [];
    for (let i = 0; i < size; i++) {
      members.push({ name: `m${i}`, clientPort: await freePort(), peerPort: await freePort(), dataDir: path.join(dir, `m${i}`), log: [] });
    }
    const cluster = new EtcdCluster(dir, members, `meshplane-test-${randomBytes(4).toString('hex')}`);
    for (let i = 0; i < size; i++) cluster.spawn(i);
    await cluster.waitHealthy(20_000);
    return cluster;
  }

  get size(): number {
    return this.members.length;
  }

  /** Client URLs of every member (running or not). */
  get endpoints(): string[] {
    return this.members.map((m) => `http://127.0.0.1:${m.clientPort}`);
  }

  running(index: number): boolean {
    return this.members[index].process !== undefined;
  }

  /** The index of the member that is etcd's raft leader now (asked over the gRPC gateway). */
  async leaderMember(): Promise<number> {
    for (let i = 0; i < this.members.length; i++) {
      if (!this.members[i].process) continue;
      const response = await fetch(`${this.endpoints[i]}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(2000) }).catch(() => undefined);
      const status = (await response?.json().catch(() => undefined)) as { leader?: string; header?: { member_id?: string } } | undefined;
      if (status?.leader && status.leader === status.header?.member_id) return i;
    }
    throw new Error(`no running member of the etcd cluster in ${this.dir} is the leader`);
  }

  /** Kills one member (SIGKILL by default) and waits for it to exit. */
  async stopMember(index: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.members[index].process;
    if (!child) return;
    this.members[index].process = undefined;
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  /** Restarts a stopped member on its data dir and ports. */
  async startMember(index: number): Promise<void> {
    if (!this.members[index].process) this.spawn(index);
  }

  /** Waits until every running member answers /health with a leader. */
  async waitHealthy(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const running = this.members.filter((m) => m.process);
      const health = await Promise.all(running.map((m) => memberHealthy(m.clientPort)));
      if (running.length > 0 && health.every(Boolean)) return;
      if (Date.now() > deadline) {
        const logs = this.members.map((m) => `${m.name}: ${m.log.slice(-5).join('')}`).join('\n');
        throw new Error(`etcd cluster in ${this.dir} not healthy after ${timeoutMs} ms\n${logs}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    for (let i = 0; i < this.members.length; i++) await this.stopMember(i, 'SIGTERM');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private spawn(index: number): void {
    const member = this.members[index];
    const initialCluster = this.members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
    const child = spawn(
      'etcd',
      [
        `--name=${member.name}`,
        `--data-dir=${member.dataDir}`,
        `--listen-client-urls=http://127.0.0.1:${member.clientPort}`,
        `--advertise-client-urls=http://127.0.0.1:${member.clientPort}`,
        `--listen-peer-urls=http://127.0.0.1:${member.peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${member.peerPort}`,
        `--initial-cluster=${initialCluster}`,
        '--initial-cluster-state=new',
        `--initial-cluster-token=${this.token}`,
        // Fast elections: loopback members fail over in well under a second.
        '--heartbeat-interval=50',
        '--election-timeout=500',
        '--logger=zap',
        '--log-level=error',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      member.log.push(chunk.toString());
      if (member.log.length > 50) member.log.shift();
    });
    child.once('exit', () => {
      if (member.process === child) member.process = undefined;
    });
    member.process = child;
  }
}

async function memberHealthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await response.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}
