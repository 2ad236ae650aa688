// `meshplane start --demo`: the bundled `apps` canary (scenarios.md S01) comes alive. serviceB and
// its canary serviceBv2 run as real gRPC servers registered in the daemon's endpoint registry,
// and serviceA runs as a real proxyless gRPC client (grpc-js-xds, in its own process) that calls
// xds:///serviceb.apps.local:80 all the time through the configuration the daemon serves. Where
// its calls land is the live 75/25 split; a commit that changes the weights moves it.
import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import type { InstanceRegistry } from '../registry';
import { grpcBootstrap } from '../xds/bootstrap';
import { Backend, startBackend } from './echo-service';
import type { TrafficClientSettings } from './traffic-client';
import { CallOutcome, TrafficReport, TrafficWindow } from './traffic-window';

/** The canary's services: each backend is registered under its virtual node's DNS hostname. */
export const DEMO_BACKENDS = [
  { name: 'serviceB', namespace: 'apps.local', service: 'serviceb', instanceId: 'demo-serviceB-1' },
  { name: 'serviceBv2', namespace: 'apps.local', service: 'servicebv2', instanceId: 'demo-serviceBv2-1' },
] as const;
export const DEMO_CLIENT = { node: 'mesh/apps/virtualNode/serviceA', identity: 'VirtualNode/apps/serviceA', target: 'xds:///serviceb.apps.local:80' } as const;
/** The routing file whose weights the demo invites the user to change. */
export const DEMO_ROUTING_FILE = 'environments/apps/routing/service-b.yaml';

const CALLS_PER_SECOND = 20;
// Loading grpc-js-xds takes a second or two; much longer on a busy machine.
const CLIENT_READY_MS = 30_000;

export interface DemoOptions {
  registry: InstanceRegistry;
  /** The daemon's xDS address, host:port. */
  xdsAddress: string;
}

export class DemoMesh {
  private readonly window = new TrafficWindow(DEMO_CLIENT.identity, DEMO_CLIENT.target);

  private constructor(
    private readonly registry: InstanceRegistry,
    private readonly backends: Backend[],
    private readonly client: ChildProcess,
  ) {
    client.on('message', (outcomes: CallOutcome[]) => this.window.add(outcomes));
  }

  static async start(options: DemoOptions): Promise<DemoMesh> {
    const backends: Backend[] = [];
    try {
      for (const b of DEMO_BACKENDS) {
        const backend = await startBackend(b.name);
        backends.push(backend);
        await options.registry.register(b.namespace, b.service, b.instanceId, { address: '127.0.0.1', port: backend.port });
      }
      const client = await startTrafficClient(options.xdsAddress);
      return new DemoMesh(options.registry, backends, client);
    } catch (error) {
      await Promise.all(backends.map((b) => b.stop()));
      throw error;
    }
  }

  /** Where serviceA's latest calls went. */
  traffic(): TrafficReport[] {
    return [this.window.report()];
  }

  async stop(): Promise<void> {
    if (this.client.connected) this.client.disconnect();
    this.client.kill();
    for (const b of DEMO_BACKENDS) await Promise.resolve(this.registry.deregister(b.namespace, b.service, b.instanceId)).catch(() => false);
    await Promise.all(this.backends.map((b) => b.stop()));
  }
}

function startTrafficClient(xdsAddress: string): Promise<ChildProcess> {
  const child = fork(path.join(__dirname, 'traffic-client.js'), [], {
    env: { ...process.env, GRPC_XDS_BOOTSTRAP_CONFIG: grpcBootstrap({ nodeId: DEMO_CLIENT.node, xds: xdsAddress }), GRPC_XDS_BOOTSTRAP: '' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the demo's gRPC client did not start within ${CLIENT_READY_MS} ms`));
    }, CLIENT_READY_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo's gRPC client exited (${code}) before it was ready`));
    });
    child.once('message', () => {
      clearTimeout(timer);
      const settings: TrafficClientSettings = { target: DEMO_CLIENT.target, callsPerSecond: CALLS_PER_SECOND };
      child.send(settings);
      resolve(child);
    });
  });
}
