// Names that are distinct but easy to confuse: ID-4 (differ only in case) and A-12 (one
// gateway-route name on several gateways of a mesh). Both warnings.
import { Diagnostic, joinPointer } from '../../model/diagnostic';
import { identityKey } from '../../model/identity';
import { KIND_INFO } from '../../model/kinds';
import { Resource } from '../../model/resource';
import { diagnosticAt } from '../rule-context';
import { GraphIndex } from './graph-index';

export function checkNameClashes(index: GraphIndex, out: Diagnostic[]): void {
  const byFoldedKey = new Map<string, Resource>();
  for (const resource of index.model.resources) {
    const { identity } = resource;
    const folded = identityKey({ ...identity, name: identity.name.toLowerCase(), meshName: identity.meshName.toLowerCase() });
    const first = byFoldedKey.get(folded);
    if (!first) {
      byFoldedKey.set(folded, resource);
    } else if (first.key !== resource.key) {
      out.push(diagnosticAt(resource, joinPointer('', KIND_INFO[resource.kind].nameKey), 'ID-4', 'warning',
        `"${identity.name}" differs from ${first.kind} "${first.identity.name}" (${first.source.file}) only in case; DNS names and hostnames ignore case, so rename one of them.`));
    }
  }
  const gatewayOfRoute = new Map<string, Resource>();
  for (const route of index.model.list('GatewayRoute')) {
    const key = `${route.identity.meshName}/${route.identity.name}`;
    const first = gatewayOfRoute.get(key);
    if (!first) {
      gatewayOfRoute.set(key, route);
    } else if (first.identity.parentName !== route.identity.parentName) {
      out.push(diagnosticAt(route, '/gatewayRouteName', 'A-12', 'warning',
        `gateway route "${route.identity.name}" also exists on gateway ${first.identity.parentName}; the Kubernetes controller treats these names as mesh-wide, so give each a distinct name.`));
    }
  }
}
