// Who a graph finding belongs to. A resource owns the findings about the references it holds
// (R1–R8, bindings, TLS coherence, ports); a group owns the findings about resources counted or
// compared together (name clashes, quotas). Incremental validation (GraphFindingsCache) keeps
// findings per owner and checks an owner again only when something it depends on changed; of the
// settings, graph rules read only environment.yaml `quotas` (a change checks everything again).
import { compareDiagnostics, Diagnostic } from '../../model/diagnostic';
import { isKind } from '../../model/kinds';
import { parentKeyOf } from '../../model/mesh-model';
import { Resource } from '../../model/resource';
import { RuleContext } from '../rule-context';
import { checkBackends } from './backends';
import { checkGatewayRouteBindings, checkProviderListeners } from './gateway-route-bindings';
import { childrenToken, foldedKeyToken, gatewayRouteNameToken, GraphIndex, kindInMeshToken, MESHES_TOKEN } from './graph-index';
import { checkCaseClashes, checkGatewayRouteNames, foldedKey, meshWideName } from './name-clashes';
import { checkBackendQuota, checkChildrenQuota, checkMeshQuota, checkPerMeshQuota, withinQuota } from './quotas';
import { checkReferences } from './references';
import { checkRouteBindings, checkRouterListeners } from './route-bindings';
import { checkTlsCoherence } from './tls-coherence';

/** Findings about the references `resource` holds; what they read is recorded by the index. */
export function checkResource(resource: Resource, index: GraphIndex, ctx: RuleContext, out: Diagnostic[]): void {
  checkReferences(resource, index, out);
  switch (resource.kind) {
    case 'VirtualRouter':
      checkRouterListeners(resource, index, out);
      break;
    case 'Route':
      checkRouteBindings(resource, index, out);
      break;
    case 'GatewayRoute':
      checkGatewayRouteBindings(resource, index, out);
      checkTlsCoherence(resource, index, out);
      break;
    case 'VirtualService':
      checkProviderListeners(resource, index, out);
      break;
    case 'VirtualNode':
      checkTlsCoherence(resource, index, out);
      checkBackends(resource, index, out);
      checkBackendQuota(resource, ctx, out);
      break;
  }
}

/**
 * The groups `resource` belongs to, or decides the findings of: a group's findings change only
 * when one of these resources is added or removed (a router or gateway for its children's quota).
 * A group's id is the token of its members' lookup.
 */
export function groupsOf(resource: Resource): string[] {
  const groups = [foldedKeyToken(foldedKey(resource))];
  const { kind, identity } = resource;
  switch (kind) {
    case 'Mesh':
      groups.push(MESHES_TOKEN);
      break;
    case 'Route':
      groups.push(childrenToken(parentKeyOf(resource)!));
      break;
    case 'GatewayRoute':
      groups.push(childrenToken(parentKeyOf(resource)!), gatewayRouteNameToken(meshWideName(resource)));
      break;
    default:
      groups.push(kindInMeshToken(kind, identity.meshName), childrenToken(resource.key));
  }
  return groups;
}

/** Tokens of every lookup that sees `resource`: when it is added or removed, owners that read one are checked again. */
export function tokensOf(resource: Resource): string[] {
  const tokens = [resource.key, kindInMeshToken(resource.kind, resource.identity.meshName), ...groupsOf(resource)];
  return tokens;
}

/** The findings of one group (see groupsOf). */
export function checkGroup(group: string, index: GraphIndex, ctx: RuleContext, out: Diagnostic[]): void {
  const separator = group.indexOf('\0');
  const type = separator < 0 ? group : group.slice(0, separator);
  const argument = group.slice(separator + 1);
  switch (type) {
    case 'folded':
      return checkCaseClashes(index.sameFoldedKey(argument), out);
    case 'gateway-route-name':
      return checkGatewayRouteNames(index.gatewayRoutesNamed(argument), out);
    case MESHES_TOKEN:
      return checkMeshQuota(index.allMeshes(), ctx, out);
    case 'in-mesh': {
      const slash = argument.indexOf('/');
      const kind = argument.slice(0, slash);
      // Within the quota over all meshes, within it in each: no need to group them by mesh.
      if (isKind(kind) && !withinQuota(kind, index.countOf(kind), ctx)) checkPerMeshQuota(kind, index.inMesh(kind, argument.slice(slash + 1)), ctx, out);
      return;
    }
    case 'children':
      for (const parent of index.all(argument)) checkChildrenQuota(parent.kind, index.childrenOf(argument), ctx, out);
      return;
  }
}

/** Group findings in one order whatever order the groups were checked in. */
export function sortGroupFindings(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => compareDiagnostics(a, b) || a.message.localeCompare(b.message) || a.pointer.localeCompare(b.pointer));
}
