// What a proxy needs (the dependency closure) from encoded resources: which names are followed,
// which are left out (weight 0, names not served), and how held and rejected content count.
import { strict as assert } from 'node:assert';
import { ProxyIdentity, TYPE_URLS } from '../../provider/envoy/snapshot';
import { closureGaps, closureRoots } from '../../reconciler/xds/dependency-closure';
import { apiListener, cluster, endpoints, routeConfig, snapshotOf } from './helpers/envoy-resources';

const serviceA: ProxyIdentity = { kind: 'VirtualNode', meshName: 'apps', name: 'serviceA' };
const snapshot = snapshotOf(serviceA, 'grpc', [
  apiListener('serviceb.apps.local:80', 'route-b'),
  routeConfig('route-b', { b: 100, retired: 0, 'not-served': 5 }),
  cluster('b'),
  cluster('retired'),
  endpoints('b', 8001),
]);
const named = (names: string[]) => (typeUrl: string) => (typeUrl === TYPE_URLS.listener ? { wildcard: false, names: new Set(names) } : undefined);

describe('xds: dependency closure', () => {
  it('follows listener → route → cluster → endpoints, skipping clusters weighted 0 and names not served', () => {
    const roots = closureRoots(snapshot, named(['serviceb.apps.local:80', 'unknown.apps.local:80']));
    const gaps = closureGaps(snapshot, roots, { heldHash: () => undefined, rejection: () => undefined });
    assert.deepEqual(gaps.map((g) => `${g.typeUrl.split('.').pop()} ${g.name}`), ['Listener serviceb.apps.local:80', 'RouteConfiguration route-b', 'Cluster b', 'ClusterLoadAssignment b']);
  });

  it('has no gap when everything is held at the served content, and names the rejection of exactly that content', () => {
    const roots = closureRoots(snapshot, named(['serviceb.apps.local:80']));
    const hashOf = (typeUrl: string, name: string) => snapshot.resources.get(typeUrl as never)?.get(name)?.hash;
    assert.deepEqual(closureGaps(snapshot, roots, { heldHash: hashOf, rejection: () => undefined }), []);
    const clusterB = snapshot.resources.get(TYPE_URLS.cluster)!.get('b')!;
    const gaps = closureGaps(snapshot, roots, {
      heldHash: (typeUrl, name) => (typeUrl === TYPE_URLS.cluster ? 'an older hash' : hashOf(typeUrl, name)),
      rejection: (typeUrl, name, hash) => (typeUrl === TYPE_URLS.cluster && name === 'b' && hash === clusterB.hash ? 'bad cluster' : undefined),
    });
    assert.deepEqual(gaps, [{ typeUrl: TYPE_URLS.cluster, name: 'b', nack: 'bad cluster' }]);
  });

  it('roots every listener and cluster for a wildcard (Envoy) subscription', () => {
    const roots = closureRoots(snapshot, () => ({ wildcard: true, names: new Set() }));
    assert.deepEqual(roots.map((r) => r.name), ['serviceb.apps.local:80', 'b', 'retired']);
  });
});
