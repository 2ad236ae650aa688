// End-to-end harness: a copy of an environment in a temp repository, the endpoint registry, the
// translated snapshot source and a real xDS server on 127.0.0.1, and proxyless gRPC clients in
// child processes (one per identity), each bootstrapped by `meshplane bootstrap --format grpc`.
import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { MeshModel } from '../../../provider/model/mesh-model';
import { validateEnvironment } from '../../../provider/validate/validate';
import { WorkingTreeSource } from '../../../reconciler/load/file-source';
import { loadEnvironment } from '../../../reconciler/load/load-environment';
import { EndpointRegistry } from '../../../reconciler/registry/endpoint-registry';
import { grpcBootstrap } from '../../../reconciler/xds/bootstrap';
import { TranslatedSnapshotSource } from '../../../reconciler/xds/translated-source';
import { XdsServer } from '../../../reconciler/xds/xds-server';
import { makeEnvironmentRepo, TempRepo } from '../../helpers/temp-repo';
import { Backend, BackendBehaviour, startBackend } from '../../../reconciler/demo/echo-service';
import { CallCommand, CallResult } from './xds-client-child';

export class MeshHarness {
  readonly registry = new EndpointRegistry();
  readonly source = new TranslatedSnapshotSource(this.registry);
  readonly server = new XdsServer({ source: this.source });
  private readonly clients: XdsClientProcess[] = [];
  private readonly backends: Backend[] = [];
  xdsAddress = '';

  private constructor(
    readonly repo: TempRepo,
    readonly environment: string,
  ) {}

  static async start(environment: string): Promise<MeshHarness> {
    const repo = makeEnvironmentRepo(environment);
    const harness = new MeshHarness(repo, environment);
    harness.xdsAddress = `127.0.0.1:${await harness.server.listen('127.0.0.1:0')}`;
    await harness.apply();
    return harness;
  }

  /** S01 served: the apps environment with echo backends serviceB (instance b-1) and serviceBv2 (b2-1). */
  static async startCanary(): Promise<MeshHarness> {
    const mesh = await MeshHarness.start('apps');
    try {
      await mesh.addBackend('serviceB', { namespace: 'apps.local', service: 'serviceb', instanceId: 'b-1' });
      await mesh.addBackend('serviceBv2', { namespace: 'apps.local', service: 'servicebv2', instanceId: 'b2-1' });
    } catch (error) {
      await mesh.stop();
      throw error;
    }
    return mesh;
  }

  /** Starts an echo backend on 127.0.0.1 and registers it as an instance; it is stopped with the mesh. */
  async addBackend(name: string, instance: { namespace: string; service: string; instanceId: string }, behaviour?: BackendBehaviour): Promise<Backend> {
    const backend = await startBackend(name, behaviour);
    this.backends.push(backend);
    this.registry.register(instance.namespace, instance.service, instance.instanceId, { address: '127.0.0.1', port: backend.port });
    return backend;
  }

  /** Writes a file of the environment (relative to environments/<env>/). */
  write(relative: string, content: string): void {
    this.repo.write(`environments/${this.environment}/${relative}`, content);
  }

  /** Loads, validates and serves the environment as it is on disk; returns the proxies that changed. */
  async apply(): Promise<ReadonlySet<string>> {
    const loaded = await loadEnvironment(new WorkingTreeSource(this.repo.dir), this.environment);
    const errors = validateEnvironment(loaded).diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(`test environment is invalid:\n${errors.map((d) => `${d.file}:${d.line} ${d.code} ${d.message}`).join('\n')}`);
    return this.source.apply(new MeshModel(loaded.resources), loaded.config);
  }

  async client(nodeId: string): Promise<XdsClientProcess> {
    const client = await XdsClientProcess.start(grpcBootstrap({ nodeId, xds: this.xdsAddress }));
    this.clients.push(client);
    return client;
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.stop();
    await this.server.stop(1000);
    this.source.close();
    this.repo.remove();
    for (const backend of this.backends) await backend.stop();
  }
}

export class XdsClientProcess {
  private nextId = 0;
  private readonly pending = new Map<number, (result: CallResult) => void>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: { id?: number; result?: CallResult }) => {
      if (message.id !== undefined) this.pending.get(message.id)?.(message.result!);
    });
  }

  static start(bootstrap: string): Promise<XdsClientProcess> {
    const child = fork(path.join(__dirname, 'xds-client-child.js'), [], {
      env: { ...process.env, GRPC_XDS_BOOTSTRAP_CONFIG: bootstrap, GRPC_XDS_BOOTSTRAP: '' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('message', () => resolve(new XdsClientProcess(child)));
      child.once('exit', (code) => reject(new Error(`xDS client process exited (${code}) before it was ready`)));
    });
  }

  /** Runs `count` unary calls to an `xds:///` target; bounded by `timeoutMs` overall. */
  call(command: Omit<CallCommand, 'id' | 'cmd'>, timeoutMs = 20_000): Promise<CallResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`calls to ${command.target} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (result) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(result);
      });
      this.child.send({ ...command, id, cmd: 'call' });
    });
  }

  stop(): void {
    if (this.child.connected) this.child.disconnect();
    this.child.kill();
  }
}

/** Share of `name` in a result's successful calls, in percent. */
export function sharePercent(result: CallResult, name: string): number {
  const total = Object.values(result.ok).reduce((a, b) => a + b, 0);
  return total === 0 ? 0 : (100 * (result.ok[name] ?? 0)) / total;
}
