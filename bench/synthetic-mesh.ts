// Generated meshes for benchmarks: N services, each a virtual node behind a router with one
// route and a virtual service, every node calling `backends` other services.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';

export interface SyntheticMeshOptions {
  /** Number of services; each contributes 4 resources (node, router, route, virtual service). */
  services: number;
  backendsPerNode: number;
  meshName?: string;
}

export type Document = Record<string, unknown>;

export function syntheticMeshDocuments(options: SyntheticMeshOptions): Document[] {
  const mesh = options.meshName ?? 'bench';
  const docs: Document[] = [{ kind: 'Mesh', meshName: mesh, spec: { egressFilter: { type: 'DROP_ALL' } } }];
  const serviceName = (i: number) => `svc-${i}.${mesh}.local`;
  for (let i = 0; i < options.services; i++) {
    const backends = Array.from({ length: Math.min(options.backendsPerNode, options.services - 1) }, (_, k) => ({
      virtualService: { virtualServiceName: serviceName((i + k + 1) % options.services) },
    }));
    docs.push(
      {
        kind: 'VirtualNode',
        meshName: mesh,
        virtualNodeName: `node-${i}`,
        spec: {
          listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
          serviceDiscovery: { dns: { hostname: `node-${i}.${mesh}.local` } },
          backends,
        },
      },
      { kind: 'VirtualRouter', meshName: mesh, virtualRouterName: `router-${i}`, spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] } },
      {
        kind: 'Route',
        meshName: mesh,
        virtualRouterName: `router-${i}`,
        routeName: `route-${i}`,
        spec: {
          httpRoute: {
            match: { prefix: '/' },
            action: { weightedTargets: [{ virtualNode: `node-${i}`, weight: 100 }] },
            retryPolicy: { maxRetries: 2, perRetryTimeout: { unit: 'ms', value: 2000 }, httpRetryEvents: ['gateway-error'] },
          },
        },
      },
      { kind: 'VirtualService', meshName: mesh, virtualServiceName: serviceName(i), spec: { provider: { virtualRouter: { virtualRouterName: `router-${i}` } } } },
    );
  }
  return docs;
}

/** Quotas large enough for a synthetic mesh of this size. */
export function syntheticEnvironmentYaml(services: number): string {
  const n = services + 10;
  return stringify({
    account: '111122223333',
    region: 'us-west-2',
    quotas: { virtualNodesPerMesh: n, virtualServicesPerMesh: n, virtualRoutersPerMesh: n, backendsPerVirtualNode: n },
  });
}

/** Writes an environment of the repository at `repoDir`, one file per service (4 documents each). */
export function writeSyntheticEnvironment(repoDir: string, env: string, docs: Document[], services: number): string[] {
  const dir = path.join(repoDir, 'environments', env);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'environment.yaml'), syntheticEnvironmentYaml(services));
  const files: string[] = [];
  const write = (name: string, group: Document[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, group.map((d) => stringify(d)).join('---\n'));
    files.push(file);
  };
  write('mesh.yaml', docs.slice(0, 1));
  for (let i = 1; i < docs.length; i += 4) write(`service-${(i - 1) / 4}.yaml`, docs.slice(i, i + 4));
  return files;
}
