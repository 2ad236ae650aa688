// §11.1 R1–R8: every named reference resolves to a resource of the right kind in the same mesh.
// The diagnostic sits on the document holding the reference, at the referring field.
import { Diagnostic, joinPointer } from '../../model/diagnostic';
import { Kind } from '../../model/kinds';
import { Resource } from '../../model/resource';
import { routeBodyOf, GATEWAY_ROUTE_TYPES } from '../../rules/route-types';
import { asArray, asObject, asString, objectAt } from '../../rules/values';
import { diagnosticAt } from '../rule-context';
import { GraphIndex, parseServiceReference } from './graph-index';
import { didYouMean } from './suggest';

const LABEL: Record<Kind, string> = {
  Mesh: 'mesh',
  VirtualService: 'virtual service',
  VirtualNode: 'virtual node',
  VirtualRouter: 'virtual router',
  Route: 'route',
  VirtualGateway: 'virtual gateway',
  GatewayRoute: 'gateway route',
};

/** R1–R8 on the references `resource` holds. */
export function checkReferences(resource: Resource, index: GraphIndex, out: Diagnostic[]): void {
  const expect = (from: Resource, pointer: string, code: string, kind: Kind, name: unknown, fix: string) => {
    if (typeof name !== 'string' || name === '') return; // missing names are schema errors
    const meshName = from.identity.meshName;
    if (index.get(kind, meshName, name)) return;
    out.push(diagnosticAt(from, pointer, code, 'error',
      `${LABEL[kind]} "${name}" does not exist in mesh ${meshName}.${didYouMean(name, index.inMesh(kind, meshName))} ${fix}`));
  };

  const { meshName } = resource.identity;
  if (resource.kind !== 'Mesh' && meshName !== '' && !index.get('Mesh', meshName, meshName)) {
    const meshes = index.meshes();
    out.push(diagnosticAt(resource, '/meshName', 'R1', 'error',
      `mesh "${meshName}" is not defined in this environment.${didYouMean(meshName, meshes)} Add a document "kind: Mesh, meshName: ${meshName}" or fix meshName.`));
  }
  const spec = resource.doc.spec;
  switch (resource.kind) {
    case 'Route': {
      expect(resource, '/virtualRouterName', 'R2', 'VirtualRouter', resource.identity.parentName, 'Create the router first, or attach the route to an existing one.');
      const route = routeBodyOf(spec);
      asArray(objectAt(route?.body, 'action')?.weightedTargets).forEach((target, i) => {
        expect(resource, joinPointer('/spec', route!.type, 'action', 'weightedTargets', i, 'virtualNode'), 'R6', 'VirtualNode',
          asObject(target)?.virtualNode, 'Route targets must be virtual nodes of the same mesh; create the node or fix the name.');
      });
      break;
    }
    case 'GatewayRoute': {
      expect(resource, '/virtualGatewayName', 'R3', 'VirtualGateway', resource.identity.parentName, 'Create the gateway first, or attach the route to an existing one.');
      const route = routeBodyOf(spec, GATEWAY_ROUTE_TYPES);
      expect(resource, joinPointer('/spec', route?.type ?? '', 'action', 'target', 'virtualService', 'virtualServiceName'), 'R7', 'VirtualService',
        objectAt(route?.body, 'action', 'target', 'virtualService')?.virtualServiceName, 'A gateway route must target an existing virtual service of its mesh.');
      break;
    }
    case 'VirtualService': {
      const provider = objectAt(spec, 'provider');
      const fix = 'Create it, fix the name, or leave "provider" empty until it exists.';
      expect(resource, '/spec/provider/virtualNode/virtualNodeName', 'R4', 'VirtualNode', objectAt(provider, 'virtualNode')?.virtualNodeName, fix);
      expect(resource, '/spec/provider/virtualRouter/virtualRouterName', 'R5', 'VirtualRouter', objectAt(provider, 'virtualRouter')?.virtualRouterName, fix);
      break;
    }
    case 'VirtualNode':
      checkBackendReferences(resource, index, out);
      break;
  }
}

/** R8 / A-5: a backend is a virtual-service name, or the ARN of a virtual service of the same mesh. */
function checkBackendReferences(node: Resource, index: GraphIndex, out: Diagnostic[]): void {
  const meshName = node.identity.meshName;
  asArray(asObject(node.doc.spec)?.backends).forEach((backend, i) => {
    const reference = asString(objectAt(backend, 'virtualService')?.virtualServiceName);
    if (reference === undefined || reference === '') return;
    const pointer = joinPointer('/spec/backends', i, 'virtualService', 'virtualServiceName');
    const target = parseServiceReference(meshName, reference);
    if (!target) {
      out.push(diagnosticAt(node, pointer, 'R8', 'error',
        `"${reference}" is not a virtual-service ARN (arn:<partition>:appmesh:<region>:<account>:mesh/<mesh>/virtualService/<name>); give the service name or its full ARN.`));
    } else if (target.meshName !== meshName) {
      out.push(diagnosticAt(node, pointer, 'R8', 'error',
        `backend ARN points into mesh "${target.meshName}", but node ${node.identity.name} is in mesh ${meshName}; backends must be virtual services of the same mesh.`));
    } else if (!index.get('VirtualService', meshName, target.name)) {
      // The App Mesh API never checks backend names; the Envoy config simply has no route for them.
      out.push(diagnosticAt(node, pointer, 'R8', 'warning',
        `backend virtual service "${target.name}" does not exist in mesh ${meshName}, so ${node.identity.name}'s Envoy has no route for it and the mesh's egress filter decides ` +
          `(DROP_ALL: refused, ALLOW_ALL: passed through).${didYouMean(target.name, index.inMesh('VirtualService', meshName))} Create it or fix the name.`));
    }
  });
}
