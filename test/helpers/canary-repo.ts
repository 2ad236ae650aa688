// A git repository of the bundled `apps` canary whose serviceB and serviceBv2 are served by test
// backends on loopback, declared as static instances in environment.yaml (the daemon and HA e2e tests).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitRepo, makeGitRepo } from './temp-repo';

export const CANARY_ROUTING = 'environments/apps/routing/service-b.yaml';
const SETTINGS = 'environments/apps/environment.yaml';

export interface CanaryRepo {
  repo: GitRepo;
  /** The text of the canary route file, for commits that change its weights. */
  routing: string;
  /** The commit declaring the backends' endpoints. */
  initial: string;
  /** The route file with the 75/25 weights replaced. */
  weights(serviceB: number, serviceBv2: number): string;
}

export function makeCanaryRepo(backends: ReadonlyArray<{ port: number }>): CanaryRepo {
  const repo = makeGitRepo();
  const routing = fs.readFileSync(path.join(repo.dir, CANARY_ROUTING), 'utf8');
  const settings = fs.readFileSync(path.join(repo.dir, SETTINGS), 'utf8');
  const initial = repo.commit('endpoints of serviceB and serviceBv2', {
    [SETTINGS]:
      settings +
      'discovery:\n  instances:\n' +
      `    - { namespace: apps.local, service: serviceb, address: 127.0.0.1, port: ${backends[0].port} }\n` +
      `    - { namespace: apps.local, service: servicebv2, address: 127.0.0.1, port: ${backends[1].port} }\n`,
  });
  const weights = (b: number, v2: number) => routing.replace('weight: 75', `weight: ${b}`).replace('weight: 25', `weight: ${v2}`);
  return { repo, routing, initial, weights };
}
