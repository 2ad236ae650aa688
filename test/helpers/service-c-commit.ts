// A commit to the bundled example the sync tests share: serviceC (Cloud Map discovery, so an EDS
// cluster) takes 10% of serviceb.apps.local. Every proxy that calls serviceB gets a new route and a
// new cluster, which lets a test hold one proxy back (NACK, or never ask) while others sync.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitRepo } from './temp-repo';

export function addServiceC(repo: GitRepo): string {
  const route = path.join(repo.dir, 'environments/apps/routing/service-b.yaml');
  return repo.commit('serviceC takes 10%', {
    'environments/apps/nodes/service-c.yaml':
      'kind: VirtualNode\nmeshName: apps\nvirtualNodeName: serviceC\nspec:\n  listeners:\n    - portMapping: { port: 80, protocol: http2 }\n  serviceDiscovery:\n    awsCloudMap: { namespaceName: apps.local, serviceName: servicec }\n',
    'environments/apps/routing/service-b.yaml': fs.readFileSync(route, 'utf8').replace('weight: 25', 'weight: 15\n        - virtualNode: serviceC\n          weight: 10'),
  });
}
