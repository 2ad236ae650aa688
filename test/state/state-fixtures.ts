// Desired states for state-store tests: a mesh with `count` nodes whose hostnames carry a marker,
// so a reader can tell which apply wrote a revision and that no revision mixes two of them.
import { resource } from '../plan/plan-fixtures';
import { PlanResource } from '../../reconciler/plan';

export const SETTINGS = { name: 'apps', account: '111122223333', region: 'us-west-2', partition: 'aws' };

export function markedResources(marker: number, count: number): PlanResource[] {
  const docs: Array<Record<string, unknown>> = [{ kind: 'Mesh', meshName: 'apps', spec: {} }];
  for (let i = 0; i < count; i++) {
    docs.push({
      kind: 'VirtualNode',
      meshName: 'apps',
      virtualNodeName: `node-${i}`,
      spec: {
        listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
        serviceDiscovery: { dns: { hostname: `node-${i}.m${marker}.apps.local` } },
      },
    });
  }
  return docs.map((doc) => resource(doc));
}

/** The marker every node of a revision carries; throws when the nodes disagree (a mixed revision). */
export function markerOf(resources: ReadonlyArray<{ doc: { spec?: Record<string, unknown> }; identity: { kind: string } }>): number {
  const markers = new Set(
    resources
      .filter((r) => r.identity.kind === 'VirtualNode')
      .map((r) => /\.m(\d+)\.apps\.local$/.exec(((r.doc.spec as any).serviceDiscovery.dns.hostname as string))![1]),
  );
  if (markers.size !== 1) throw new Error(`revision mixes markers ${[...markers].join(', ')}`);
  return Number([...markers][0]);
}
