// The blast radius of a plan: which proxies (virtual nodes and gateways) get new configuration,
// found by following references from each changed resource to the proxies that reach it.
import { arnResourcePath } from '../../provider/model/identity';
import { compareStrings } from './canonical';
import { ProxyRef, ResourceChange } from './plan-types';
import { ReferenceIndex } from './references';

/** Proxies reached by the changes, looked up in the applied (before) and desired (after) graphs. */
export function affectedProxies(changes: readonly ResourceChange[], applied: ReferenceIndex, desired: ReferenceIndex): ProxyRef[] {
  const found = new Map<string, ProxyRef>();
  for (const change of changes) {
    if (change.before) collect(change.before.key, applied, found);
    if (change.after) collect(change.after.key, desired, found);
  }
  return [...found.values()].sort((a, b) => compareStrings(a.id, b.id));
}

function collect(changedKey: string, index: ReferenceIndex, found: Map<string, ProxyRef>): void {
  const resource = index.resource(changedKey);
  if (!resource) return;
  const add = (key: string) => {
    const proxy = index.resource(key);
    if (!proxy || (proxy.identity.kind !== 'VirtualNode' && proxy.identity.kind !== 'VirtualGateway')) return;
    const id = arnResourcePath(proxy.identity);
    if (!found.has(id)) found.set(id, { kind: proxy.identity.kind, meshName: proxy.identity.meshName, name: proxy.identity.name, id });
  };
  // Nodes that list the service as a backend, and gateways whose gateway routes target it.
  const usersOfService = (serviceKey: string) => {
    for (const r of index.referrersInAnyOrder(serviceKey, ['backend'])) add(r.from.key);
    for (const r of index.referrersInAnyOrder(serviceKey, ['target'])) {
      const gateway = index.referencesFrom(r.from.key).find((ref) => ref.relation === 'parent');
      if (gateway) add(gateway.to);
    }
  };
  const usersOfRouter = (routerKey: string) => {
    for (const r of index.referrersInAnyOrder(routerKey, ['provider'])) usersOfService(r.from.key);
  };
  const parentOf = (key: string) => index.referencesFrom(key).find((ref) => ref.relation === 'parent')?.to;

  switch (resource.identity.kind) {
    case 'Mesh': // egress filter and IP preference reach every proxy of the mesh
      for (const r of index.referrersInAnyOrder(changedKey, ['mesh'])) add(r.from.key);
      break;
    case 'VirtualNode':
      add(changedKey);
      for (const r of index.referrersInAnyOrder(changedKey, ['provider'])) usersOfService(r.from.key);
      for (const r of index.referrersInAnyOrder(changedKey, ['target'])) {
        const router = parentOf(r.from.key);
        if (router) usersOfRouter(router);
      }
      break;
    case 'VirtualRouter':
      usersOfRouter(changedKey);
      break;
    case 'Route': {
      const router = parentOf(changedKey);
      if (router) usersOfRouter(router);
      break;
    }
    case 'VirtualService':
      usersOfService(changedKey);
      break;
    case 'VirtualGateway':
      add(changedKey);
      break;
    case 'GatewayRoute': {
      const gateway = parentOf(changedKey);
      if (gateway) add(gateway);
      break;
    }
  }
}
