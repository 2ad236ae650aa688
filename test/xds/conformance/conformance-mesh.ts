// The mesh the conformance table runs against: `meshplane serve` (child process) following a git
// repository of the apps environment turned into a gRPC service, echo backends in this process,
// and the routes of serviceb.apps.local written from a few knobs per scenario.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CommitStatuses, RecordedStatus } from '../../../reconciler/status/status';
import { DaemonProcess } from '../../daemon/daemon-process';
import { eventually } from '../../helpers/eventually';
import { GitRepo, makeGitRepo, tempDir } from '../../helpers/temp-repo';
import { Backend, BackendBehaviour, startBackend } from '../../../reconciler/demo/echo-service';

export const TARGET = 'xds:///serviceb.apps.local:80';
export const ROUTING = 'environments/apps/routing/service-b.yaml';
export const NODES = 'environments/apps/nodes/service-b.yaml';
export const SETTINGS = 'environments/apps/environment.yaml';

/** The match kinds of App Mesh gRPC metadata (and HTTP header) matches, one route each. */
export const MATCHERS: Record<string, string> = {
  exact: '{name: x-value, match: {exact: "yes"}}',
  prefix: '{name: x-value, match: {prefix: "pre-"}}',
  suffix: '{name: x-value, match: {suffix: "-fix"}}',
  regex: '{name: x-value, match: {regex: "v[0-9]+"}}',
  range: '{name: x-value, match: {range: {start: 1, end: 10}}}',
  present: '{name: x-value}',
  absent: '{name: x-value, invert: true}',
  invert: '{name: x-value, invert: true, match: {exact: "no"}}',
};

export interface RouteKnobs {
  /** Weights of serviceB and serviceBv2 on the default route. */
  weights: [number, number];
  /** The route's own retry policy: 2 retries on UNAVAILABLE. */
  retries?: boolean;
  perRequestMs?: number;
  /** One route per MATCHERS kind (selected by `x-case: <kind>`), each to serviceBv2. */
  matches?: boolean;
  /** An extra metadata-regex route (to serviceBv2, selected by `x-case: nack`). */
  extraRegex?: string;
}

function matchRoute(name: string, priority: number, kind: string, matcher: string): string {
  return `---
kind: Route
meshName: apps
virtualRouterName: serviceB
routeName: ${name}
spec:
  priority: ${priority}
  grpcRoute:
    match:
      serviceName: meshplane.test.Echo
      metadata:
        - {name: x-case, match: {exact: ${kind}}}
        - ${matcher}
    action:
      weightedTargets: [{virtualNode: serviceBv2, weight: 1}]
`;
}

export function routing(knobs: RouteKnobs): string {
  const targets = [
    ['serviceB', knobs.weights[0]],
    ['serviceBv2', knobs.weights[1]],
  ].map(([node, weight]) => `{virtualNode: ${node}, weight: ${weight}}`);
  let text = `kind: VirtualService
meshName: apps
virtualServiceName: serviceb.apps.local
spec:
  provider:
    virtualRouter:
      virtualRouterName: serviceB
---
kind: VirtualRouter
meshName: apps
virtualRouterName: serviceB
spec:
  listeners:
    - portMapping: {port: 80, protocol: grpc}
---
kind: Route
meshName: apps
virtualRouterName: serviceB
routeName: default
spec:
  priority: 100
  grpcRoute:
    match:
      serviceName: meshplane.test.Echo
    action:
      weightedTargets: [${targets.join(', ')}]
`;
  if (knobs.retries) text += '    retryPolicy:\n      maxRetries: 2\n      perRetryTimeout: {unit: s, value: 5}\n      grpcRetryEvents: [unavailable]\n';
  if (knobs.perRequestMs !== undefined) text += `    timeout:\n      perRequest: {unit: ms, value: ${knobs.perRequestMs}}\n`;
  if (knobs.matches) Object.entries(MATCHERS).forEach(([kind, matcher], i) => (text += matchRoute(`match-${kind}`, i, kind, matcher)));
  if (knobs.extraRegex !== undefined) text += matchRoute('match-nack', 50, 'nack', `{name: x-value, match: {regex: ${JSON.stringify(knobs.extraRegex)}}}`);
  return text;
}

/** serviceB and serviceBv2 as gRPC nodes; serviceB's listener optionally with outlier detection. */
export function nodes(outlierDetection: boolean): string {
  const node = (name: string, host: string, od: boolean) => `kind: VirtualNode
meshName: apps
virtualNodeName: ${name}
spec:
  listeners:
    - portMapping: {port: 80, protocol: grpc}
${od ? '      outlierDetection: {maxServerErrors: 5, interval: {unit: ms, value: 500}, baseEjectionDuration: {unit: s, value: 30}, maxEjectionPercent: 50}\n' : ''}  serviceDiscovery:
    dns:
      hostname: ${host}
`;
  return `${node('serviceB', 'serviceb.apps.local', outlierDetection)}---\n${node('serviceBv2', 'servicebv2.apps.local', false)}`;
}

/** environment.yaml; `duplicate` declares serviceBv2's instance a second time, under another id. */
export function settings(backends: { serviceB: Backend; serviceBv2: Backend }, defaultRetryPolicy: boolean, duplicate = false): string {
  return (
    'account: "111122223333"\nregion: us-west-2\n' +
    `defaultRetryPolicy: ${defaultRetryPolicy}\n` +
    'discovery:\n  instances:\n' +
    `    - { namespace: apps.local, service: serviceb, address: 127.0.0.1, port: ${backends.serviceB.port} }\n` +
    `    - { namespace: apps.local, service: servicebv2, address: 127.0.0.1, port: ${backends.serviceBv2.port} }\n` +
    (duplicate ? `    - { namespace: apps.local, service: servicebv2, address: 127.0.0.1, port: ${backends.serviceBv2.port}, id: b2-again }\n` : '')
  );
}

export class ConformanceMesh {
  private readonly files = new Map<string, string>();
  private readonly extraBackends: Backend[] = [];

  private constructor(
    readonly repo: GitRepo,
    readonly dataDir: string,
    readonly daemon: DaemonProcess,
    readonly backends: { serviceB: Backend; serviceBv2: Backend },
    private readonly registryToken: string,
  ) {}

  static async start(): Promise<ConformanceMesh> {
    const backends = { serviceB: await startBackend('serviceB'), serviceBv2: await startBackend('serviceBv2') };
    const repo = makeGitRepo();
    const initial = { [SETTINGS]: settings(backends, true), [NODES]: nodes(false), [ROUTING]: routing({ weights: [75, 25] }) };
    repo.commit('conformance: the apps mesh as a gRPC service', initial);
    const dataDir = tempDir('meshplane-conformance-');
    const registryToken = randomBytes(16).toString('hex');
    // The echo backends listen on loopback: the operator allows loopback instances explicitly.
    const operatorConfig = path.join(tempDir('meshplane-conformance-config-'), 'meshplane.yaml');
    fs.writeFileSync(operatorConfig, 'registry: { allowLoopback: true }\n');
    const daemon = await DaemonProcess.start(
      ['--config', operatorConfig, '--repo', repo.dir, '--data-dir', dataDir, '--xds-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--ack-timeout', '30', '--drift-interval', '1'],
      { MESHPLANE_REGISTRY_TOKEN: registryToken },
    );
    const mesh = new ConformanceMesh(repo, dataDir, daemon, backends, registryToken);
    for (const [file, content] of Object.entries(initial)) mesh.files.set(file, content);
    try {
      await mesh.settled(repo.head(), 'meshplane/apps/sync');
    } catch (error) {
      await mesh.stop();
      throw error;
    }
    return mesh;
  }

  /** The commit's status in `context`; undefined while it has none (or the daemon is too busy to answer). */
  async statusOf(commit: string, context: string): Promise<RecordedStatus | undefined> {
    const answer = await this.daemon.get<CommitStatuses>(`/api/commits/${commit}`).catch(() => undefined);
    return answer?.status === 200 ? answer.body.statuses.find((s) => s.context === context) : undefined;
  }

  /** The commit's status in `context` once it is no longer pending. */
  settled(commit: string, context: string): Promise<RecordedStatus> {
    return eventually(`${context} on ${commit.slice(0, 7)} to settle`, async () => {
      const status = await this.statusOf(commit, context);
      return status && status.state !== 'pending' ? status : undefined;
    }, 30_000, 50);
  }

  /** Commits the files that differ from the branch head; undefined when none does. */
  commit(message: string, changes: Record<string, string>): string | undefined {
    const changed = Object.fromEntries(Object.entries(changes).filter(([file, content]) => this.files.get(file) !== content));
    if (Object.keys(changed).length === 0) return undefined;
    for (const [file, content] of Object.entries(changed)) this.files.set(file, content);
    return this.repo.commit(message, changed);
  }

  /** Commits the changes and waits until every connected proxy ACKed them (sync success). */
  async apply(message: string, changes: Record<string, string>): Promise<void> {
    const commit = this.commit(message, changes);
    if (!commit) return;
    const sync = await this.settled(commit, 'meshplane/apps/sync');
    if (sync.state !== 'success') {
      const { body } = await this.daemon.get<{ proxies: Array<{ connectionId: string; types: Record<string, { state: string; lastNack?: { error: string } }> }> }>('/api/proxies');
      const states = body.proxies.map((p) => `${p.connectionId}: ${Object.entries(p.types).map(([type, t]) => `${type} ${t.state}${t.lastNack ? ` (${t.lastNack.error.slice(0, 120)})` : ''}`).join(', ')}`);
      throw new Error(`${message}: meshplane/apps/sync is ${sync.state}: ${sync.description}\n${states.join('\n')}`);
    }
  }

  /** An echo backend registered through the daemon's registry API (EDS); deregister() removes it. */
  async register(name: string, service: string, instanceId: string, behaviour?: BackendBehaviour): Promise<{ backend: Backend; deregister(): Promise<void> }> {
    const backend = await startBackend(name, behaviour);
    this.extraBackends.push(backend);
    const url = `${this.daemon.http}/api/registry/namespaces/apps.local/services/${service}/instances/${instanceId}`;
    const authorization = `Bearer ${this.registryToken}`;
    const put = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ address: '127.0.0.1', port: backend.port }) });
    if (put.status >= 300) throw new Error(`registering ${instanceId}: HTTP ${put.status} ${await put.text()}`);
    return {
      backend,
      deregister: async () => {
        const removed = await fetch(url, { method: 'DELETE', headers: { authorization } });
        if (removed.status !== 204) throw new Error(`deregistering ${instanceId}: HTTP ${removed.status}`);
      },
    };
  }

  async stop(): Promise<void> {
    await this.daemon.kill();
    for (const backend of [this.backends.serviceB, this.backends.serviceBv2, ...this.extraBackends]) await backend.stop();
    this.repo.remove();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
