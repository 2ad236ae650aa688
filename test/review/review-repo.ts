// A real Git repository for review tests: a base commit with the S01 canary (serviceA calls
// serviceb.apps.local, routed 75/25 to serviceB and serviceBv2) and one branch per change.
import { execFileSync } from 'node:child_process';
import { makeTempRepo, TempRepo } from '../helpers/temp-repo';

const FIXED_DATE = '2026-01-01T00:00:00Z';

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=meshplane test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_DATE: FIXED_DATE, GIT_COMMITTER_DATE: FIXED_DATE },
  }).trim();
}

export const FILES = {
  environment: 'environments/apps/environment.yaml',
  mesh: 'environments/apps/mesh.yaml',
  nodes: 'environments/apps/nodes.yaml',
  routing: 'environments/apps/routing.yaml',
};

const NODE_A = `kind: VirtualNode
meshName: apps
virtualNodeName: serviceA
spec:
  listeners:
    - portMapping: {port: 80, protocol: http2}
  serviceDiscovery:
    dns: {hostname: servicea.apps.local}
  backends:
    - virtualService: {virtualServiceName: serviceb.apps.local}
`;

const NODE_B = `kind: VirtualNode
meshName: apps
virtualNodeName: serviceB
spec:
  listeners:
    - portMapping: {port: 80, protocol: http2}
  serviceDiscovery:
    dns: {hostname: serviceb.apps.local}
`;

const NODE_BV2 = `kind: VirtualNode
meshName: apps
virtualNodeName: serviceBv2
spec:
  listeners:
    - portMapping: {port: 80, protocol: http2}
  serviceDiscovery:
    dns: {hostname: servicebv2.apps.local}
`;

const ROUTING = `kind: VirtualService
meshName: apps
virtualServiceName: serviceb.apps.local
spec:
  provider:
    virtualRouter: {virtualRouterName: serviceB}
---
kind: VirtualRouter
meshName: apps
virtualRouterName: serviceB
spec:
  listeners:
    - portMapping: {port: 80, protocol: http2}
---
kind: Route
meshName: apps
virtualRouterName: serviceB
routeName: serviceB
spec:
  priority: 10
  http2Route:
    match: {prefix: /}
    action:
      weightedTargets:
        - {virtualNode: serviceB, weight: 75}
        - {virtualNode: serviceBv2, weight: 25}
`;

const NEW_ROUTE = `---
kind: Route
meshName: apps
virtualRouterName: serviceB
routeName: serviceB-v2
spec:
  priority: 1
  http2Route:
    match: {prefix: /v2}
    action:
      weightedTargets:
        - {virtualNode: serviceBv2, weight: 100}
    timeout:
      perRequest: {unit: s, value: 5}
    retryPolicy:
      maxRetries: 3
      perRetryTimeout: {unit: s, value: 1}
      httpRetryEvents: [server-error]
`;

const TLS_CLIENT = `  backendDefaults:
    clientPolicy:
      tls:
        validation:
          trust:
            file: {certificateChain: /certs/ca.pem}
`;

const TLS_LISTENER = `      tls:
        mode: STRICT
        certificate:
          file: {certificateChain: /certs/serviceb.pem, privateKey: /certs/serviceb.key}
`;

/** The branches of the repository, each one commit on top of `main` (the base). */
export const SCENARIOS = ['weight-change', 'new-route', 'deleted-node', 'tls-change', 'tags-only'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface ReviewRepo {
  repo: TempRepo;
  dir: string;
  commits: Record<'main' | Scenario, string>;
}

export function makeReviewRepo(): ReviewRepo {
  const repo = makeTempRepo({
    [FILES.environment]: 'account: "111122223333"\nregion: us-west-2\n',
    [FILES.mesh]: 'kind: Mesh\nmeshName: apps\nspec:\n  egressFilter: {type: DROP_ALL}\n',
    [FILES.nodes]: [NODE_A, NODE_B, NODE_BV2].join('---\n'),
    [FILES.routing]: ROUTING,
  });
  const dir = repo.dir;
  git(dir, 'init', '-q', '-b', 'main');
  const commit = (message: string) => {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', message);
    return git(dir, 'rev-parse', 'HEAD');
  };
  const commits = { main: commit('S01 canary') } as ReviewRepo['commits'];
  const branch = (name: Scenario, change: () => void) => {
    git(dir, 'checkout', '-q', '-b', name, 'main');
    change();
    commits[name] = commit(name);
  };
  branch('weight-change', () => repo.write(FILES.routing, ROUTING.replace('weight: 75', 'weight: 50').replace('weight: 25', 'weight: 50')));
  branch('new-route', () => repo.write(FILES.routing, ROUTING + NEW_ROUTE));
  // serviceBv2 goes while the route still sends a quarter of the traffic to it.
  branch('deleted-node', () => repo.write(FILES.nodes, [NODE_A, NODE_B].join('---\n')));
  branch('tls-change', () =>
    repo.write(FILES.nodes, [NODE_A + TLS_CLIENT, NODE_B.replace('    - portMapping: {port: 80, protocol: http2}\n', `    - portMapping: {port: 80, protocol: http2}\n${TLS_LISTENER}`), NODE_BV2].join('---\n')),
  );
  branch('tags-only', () => repo.write(FILES.nodes, [NODE_A + 'tags:\n  - {key: team, value: payments}\n', NODE_B, NODE_BV2].join('---\n')));
  git(dir, 'checkout', '-q', 'main');
  return { repo, dir, commits };
}

/** Replaces the commits' short hashes so golden files do not depend on them. */
export function normalizeCommits(text: string, commits: Record<string, string>): string {
  let out = text;
  for (const [name, sha] of Object.entries(commits)) out = out.split(sha.slice(0, 7)).join(`<${name}>`);
  return out;
}
