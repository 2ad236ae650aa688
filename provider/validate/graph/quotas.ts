// §13.1 resource-count quotas, from environment.yaml `quotas` (defaults are the App Mesh ones).
// One diagnostic per exceeded quota, on the first resource beyond it.
import { Diagnostic, joinPointer } from '../../model/diagnostic';
import { Kind } from '../../model/kinds';
import { Resource } from '../../model/resource';
import { QuotaSettings } from '../../environment/environment-config';
import { asArray, asObject } from '../../rules/values';
import { diagnosticAt, RuleContext } from '../rule-context';
import { GraphIndex } from './graph-index';

interface Scope {
  quota: keyof QuotaSettings;
  code: string;
  /** e.g. "mesh apps has 201 virtual nodes" */
  describe(count: number, over: Resource): string;
}

// Codes are the rule IDs that state each quota; the per-mesh counts of §13.1 have none of their own.
const PER_MESH: Array<[Kind, Scope]> = [
  ['VirtualService', { quota: 'virtualServicesPerMesh', code: 'QUOTA-13', describe: (n, r) => `mesh ${r.identity.meshName} has ${n} virtual services` }],
  ['VirtualNode', { quota: 'virtualNodesPerMesh', code: 'QUOTA-13', describe: (n, r) => `mesh ${r.identity.meshName} has ${n} virtual nodes` }],
  ['VirtualRouter', { quota: 'virtualRoutersPerMesh', code: 'QUOTA-13', describe: (n, r) => `mesh ${r.identity.meshName} has ${n} virtual routers` }],
  ['VirtualGateway', { quota: 'virtualGatewaysPerMesh', code: 'VG-8', describe: (n, r) => `mesh ${r.identity.meshName} has ${n} virtual gateways` }],
];
const MESHES: Scope = { quota: 'meshesPerAccount', code: 'MESH-6', describe: (n) => `this environment defines ${n} meshes` };
const ROUTES: Scope = { quota: 'routesPerVirtualRouter', code: 'VR-4', describe: (n, r) => `router ${r.identity.parentName} has ${n} routes` };
const GATEWAY_ROUTES: Scope = { quota: 'gatewayRoutesPerVirtualGateway', code: 'GR-15', describe: (n, r) => `gateway ${r.identity.parentName} has ${n} gateway routes` };

export function checkQuotas(index: GraphIndex, ctx: RuleContext, out: Diagnostic[]): void {
  const quotas = ctx.environment.quotas;
  const check = (resources: readonly Resource[], scope: Scope) => {
    const limit = quotas[scope.quota];
    if (resources.length <= limit) return;
    const over = resources[limit];
    out.push(diagnosticAt(over, '', scope.code, 'error', `${scope.describe(resources.length, over)}, above the quota of ${limit}. ${howToRaise(scope.quota, resources.length)}`));
  };
  check(index.model.list('Mesh'), MESHES);
  for (const [kind, scope] of PER_MESH) for (const group of index.meshGroups(kind)) check(group, scope);
  for (const router of index.model.list('VirtualRouter')) check(index.model.childrenOf(router), ROUTES);
  for (const gateway of index.model.list('VirtualGateway')) check(index.model.childrenOf(gateway), GATEWAY_ROUTES);
  const backendLimit = quotas.backendsPerVirtualNode;
  for (const node of index.model.list('VirtualNode')) {
    const count = asArray(asObject(node.doc.spec)?.backends).length;
    if (count > backendLimit) {
      out.push(diagnosticAt(node, joinPointer('/spec/backends', backendLimit), 'VN-BE-2', 'error',
        `node ${node.identity.name} has ${count} backends, above the quota of ${backendLimit}. ${howToRaise('backendsPerVirtualNode', count)}`));
    }
  }
}

function howToRaise(quota: keyof QuotaSettings, count: number): string {
  const suggested = Math.ceil(count / 100) * 100;
  return `Split the resources, or raise the quota in environment.yaml: \`quotas: { ${quota}: ${suggested} }\`.`;
}
