// Names that are distinct but easy to confuse: ID-4 (differ only in case) and A-12 (one
// gateway-route name on several gateways of a mesh). Both warnings, checked per group of
// resources whose names compare equal.
import { Diagnostic, joinPointer } from '../../model/diagnostic';
import { identityKey } from '../../model/identity';
import { KIND_INFO } from '../../model/kinds';
import { Resource } from '../../model/resource';
import { diagnosticAt } from '../rule-context';

/** The key with mesh and name in lower case: resources that share it differ only in case. */
export function foldedKey(resource: Resource): string {
  const { identity } = resource;
  return identityKey({ ...identity, name: identity.name.toLowerCase(), meshName: identity.meshName.toLowerCase() });
}

/** `apps/ingress-default`: gateway routes of a mesh sharing a name, whatever their gateway. */
export function meshWideName(route: Resource): string {
  return `${route.identity.meshName}/${route.identity.name}`;
}

/** ID-4 on the resources of one folded key (repository order) not spelled like the first. */
export function checkCaseClashes(sameFoldedKey: readonly Resource[], out: Diagnostic[]): void {
  const [first] = sameFoldedKey;
  for (const resource of sameFoldedKey) {
    if (resource.key === first.key) continue;
    out.push(diagnosticAt(resource, joinPointer('', KIND_INFO[resource.kind].nameKey), 'ID-4', 'warning',
      `"${resource.identity.name}" differs from ${first.kind} "${first.identity.name}" (${first.source.file}) only in case; DNS names and hostnames ignore case, so rename one of them.`));
  }
}

/** A-12 on the gateway routes of one mesh-wide name (repository order) on another gateway than the first. */
export function checkGatewayRouteNames(sameName: readonly Resource[], out: Diagnostic[]): void {
  const [first] = sameName;
  for (const route of sameName) {
    if (first.identity.parentName === route.identity.parentName) continue;
    out.push(diagnosticAt(route, '/gatewayRouteName', 'A-12', 'warning',
      `gateway route "${route.identity.name}" also exists on gateway ${first.identity.parentName}; the Kubernetes controller treats these names as mesh-wide, so give each a distinct name.`));
  }
}
