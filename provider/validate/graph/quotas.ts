// §13.1 resource-count quotas, from environment.yaml `quotas` (defaults are the App Mesh ones).
// One diagnostic per exceeded quota, on the first resource beyond it.
import { Diagnostic, joinPointer } from '../../model/diagnostic';
import { Kind } from '../../model/kinds';
import { Resource } from '../../model/resource';
import { QuotaSettings } from '../../environment/environment-config';
import { asArray, asObject } from '../../rules/values';
import { diagnosticAt, RuleContext } from '../rule-context';

interface Scope {
  quota: keyof QuotaSettings;
  code: string;
  /** e.g. "mesh apps has 201 virtual nodes" */
  describe(count: number, over: Resource): string;
}

// Codes are the rule IDs that state each quota; the per-mesh counts of §13.1 have none of their own.
const PER_MESH = new Map<Kind, Scope>([
  ['VirtualService', { quota: 'virtualServicesPerMesh', code: 'QUOTA-13', describe: (n, r) => `mesh ${r.identity.meshName} has ${n} virtual services` }],
  ['VirtualNode', { quota: 'virtualNodesPerMesh', code: 'QUOTA-13', describe: (n, r) => `mesh ${r.identity.meshName} has ${n} virtual nodes` }],
  ['VirtualRouter', { quota: 'virtualRoutersPerMesh', code: 'QUOTA-13', describe: (n, r) => `mesh ${r.identity.meshName} has ${n} virtual routers` }],
  ['VirtualGateway', { quota: 'virtualGatewaysPerMesh', code: 'VG-8', describe: (n, r) => `mesh ${r.identity.meshName} has ${n} virtual gateways` }],
]);
const MESHES: Scope = { quota: 'meshesPerAccount', code: 'MESH-6', describe: (n) => `this environment defines ${n} meshes` };
const ROUTES: Scope = { quota: 'routesPerVirtualRouter', code: 'VR-4', describe: (n, r) => `router ${r.identity.parentName} has ${n} routes` };
const GATEWAY_ROUTES: Scope = { quota: 'gatewayRoutesPerVirtualGateway', code: 'GR-15', describe: (n, r) => `gateway ${r.identity.parentName} has ${n} gateway routes` };

/** MESH-6: meshes of the environment, in repository order. */
export function checkMeshQuota(meshes: readonly Resource[], ctx: RuleContext, out: Diagnostic[]): void {
  check(meshes, MESHES, ctx, out);
}

/** Whether `count` resources of a kind fit its per-mesh quota (kinds without one always do). */
export function withinQuota(kind: Kind, count: number, ctx: RuleContext): boolean {
  const scope = PER_MESH.get(kind);
  return !scope || count <= ctx.environment.quotas[scope.quota];
}

/** QUOTA-13 / VG-8: resources of one kind in one mesh, in repository order. */
export function checkPerMeshQuota(kind: Kind, resources: readonly Resource[], ctx: RuleContext, out: Diagnostic[]): void {
  const scope = PER_MESH.get(kind);
  if (scope) check(resources, scope, ctx, out);
}

/** VR-4 / GR-15: routes of a router, gateway routes of a gateway. */
export function checkChildrenQuota(parentKind: Kind, children: readonly Resource[], ctx: RuleContext, out: Diagnostic[]): void {
  check(children, parentKind === 'VirtualRouter' ? ROUTES : GATEWAY_ROUTES, ctx, out);
}

/** VN-BE-2: backends of one node. */
export function checkBackendQuota(node: Resource, ctx: RuleContext, out: Diagnostic[]): void {
  const backendLimit = ctx.environment.quotas.backendsPerVirtualNode;
  const count = asArray(asObject(node.doc.spec)?.backends).length;
  if (count > backendLimit) {
    out.push(diagnosticAt(node, joinPointer('/spec/backends', backendLimit), 'VN-BE-2', 'error',
      `node ${node.identity.name} has ${count} backends, above the quota of ${backendLimit}. ${howToRaise('backendsPerVirtualNode', count)}`));
  }
}

function check(resources: readonly Resource[], scope: Scope, ctx: RuleContext, out: Diagnostic[]): void {
  const limit = ctx.environment.quotas[scope.quota];
  if (resources.length <= limit) return;
  const over = resources[limit];
  out.push(diagnosticAt(over, '', scope.code, 'error', `${scope.describe(resources.length, over)}, above the quota of ${limit}. ${howToRaise(scope.quota, resources.length)}`));
}

function howToRaise(quota: keyof QuotaSettings, count: number): string {
  const suggested = Math.ceil(count / 100) * 100;
  return `Split the resources, or raise the quota in environment.yaml: \`quotas: { ${quota}: ${suggested} }\`.`;
}
