// A real Git repository for review tests: a base commit with the S01 canary (serviceA calls
// serviceb.apps.local, routed 75/25 to serviceB and serviceBv2) and one branch per change.
import { GitRepo, makeGitRepo, runGit } from '../helpers/temp-repo';

// Fixed dates keep the commits (and so the review output) the same from run to run.
const FIXED_DATES = { GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' };

export function git(dir: string, ...args: string[]): string {
  return runGit(dir, args, FIXED_DATES);
}

export const FILES = {
  environment: 'environments/apps/environment.yaml',
  mesh: 'environments/apps/mesh.yaml',
  nodes: 'environments/apps/nodes.yaml',
  routing: 'environments/apps/routing.yaml',
};

/** A VirtualNode of the apps mesh listening on http2 port 80, found at <name in lower case>.apps.local. */
const virtualNode = (name: string, more = '') => `kind: VirtualNode
meshName: apps
virtualNodeName: ${name}
spec:
  listeners:
    - portMapping: {port: 80, protocol: http2}
  serviceDiscovery:
    dns: {hostname: ${name.toLowerCase()}.apps.local}
${more}`;

const NODE_A = virtualNode('serviceA', '  backends:\n    - virtualService: {virtualServiceName: serviceb.apps.local}\n');
const NODE_B = virtualNode('serviceB');
const NODE_BV2 = virtualNode('serviceBv2');

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
  repo: GitRepo;
  dir: string;
  commits: Record<'main' | Scenario, string>;
}

export function makeReviewRepo(): ReviewRepo {
  const repo = makeGitRepo({ withApps: false, env: FIXED_DATES });
  const commits = {
    main: repo.commit('S01 canary', {
      [FILES.environment]: 'account: "111122223333"\nregion: us-west-2\n',
      [FILES.mesh]: 'kind: Mesh\nmeshName: apps\nspec:\n  egressFilter: {type: DROP_ALL}\n',
      [FILES.nodes]: [NODE_A, NODE_B, NODE_BV2].join('---\n'),
      [FILES.routing]: ROUTING,
    }),
  } as ReviewRepo['commits'];
  const branch = (name: Scenario, change: () => void) => {
    repo.git('checkout', '-q', '-b', name, 'main');
    change();
    commits[name] = repo.commit(name);
  };
  branch('weight-change', () => repo.write(FILES.routing, ROUTING.replace('weight: 75', 'weight: 50').replace('weight: 25', 'weight: 50')));
  branch('new-route', () => repo.write(FILES.routing, ROUTING + NEW_ROUTE));
  // serviceBv2 goes while the route still sends a quarter of the traffic to it.
  branch('deleted-node', () => repo.write(FILES.nodes, [NODE_A, NODE_B].join('---\n')));
  branch('tls-change', () =>
    repo.write(FILES.nodes, [NODE_A + TLS_CLIENT, NODE_B.replace('    - portMapping: {port: 80, protocol: http2}\n', `    - portMapping: {port: 80, protocol: http2}\n${TLS_LISTENER}`), NODE_BV2].join('---\n')),
  );
  branch('tags-only', () => repo.write(FILES.nodes, [NODE_A + 'tags:\n  - {key: team, value: payments}\n', NODE_B, NODE_BV2].join('---\n')));
  repo.git('checkout', '-q', 'main');
  return { repo, dir: repo.dir, commits };
}

/** Replaces the commits' short hashes so golden files do not depend on them. */
export function normalizeCommits(text: string, commits: Record<string, string>): string {
  let out = text;
  for (const [name, sha] of Object.entries(commits)) out = out.split(sha.slice(0, 7)).join(`<${name}>`);
  return out;
}
