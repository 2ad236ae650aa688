// Rules about a node's backends as a whole: VN-BE-5 (TCP destinations sharing a port) and
// MESH-3 (backends in an ALLOW_ALL mesh).
import { Diagnostic, joinPointer } from '../../model/diagnostic';
import { Resource } from '../../model/resource';
import { asArray, asObject, objectAt } from '../../rules/values';
import { diagnosticAt } from '../rule-context';
import { GraphIndex } from './graph-index';

export function checkBackends(node: Resource, index: GraphIndex, out: Diagnostic[]): void {
  const backends = asArray(asObject(node.doc.spec)?.backends);
  if (backends.length === 0) return;
  checkTcpPorts(node, backends, index, out);
  const mesh = index.get('Mesh', node.identity.meshName, node.identity.meshName);
  if (objectAt(mesh?.doc.spec, 'egressFilter')?.type === 'ALLOW_ALL') {
    out.push(diagnosticAt(node, '/spec/backends', 'MESH-3', 'info',
      `mesh ${node.identity.meshName} allows all egress, but a node with backends may reach only what it lists: list every destination ${node.identity.name} talks to as a backend, or remove its backends.`));
  }
}

/** VN-BE-5: on plain TCP Envoy has no name to route on, so each TCP destination needs its own port. */
function checkTcpPorts(node: Resource, backends: unknown[], index: GraphIndex, out: Diagnostic[]): void {
  const firstByPort = new Map<number, string>();
  backends.forEach((backend, i) => {
    const service = index.backendService(node, objectAt(backend, 'virtualService')?.virtualServiceName);
    const provider = service ? index.provider(service) : undefined;
    if (!provider) return;
    for (const listener of index.listeners(provider)) {
      if (listener.protocol !== 'tcp' || listener.port === undefined) continue;
      const first = firstByPort.get(listener.port);
      if (first === undefined) {
        firstByPort.set(listener.port, service!.identity.name);
      } else if (first !== service!.identity.name) {
        out.push(diagnosticAt(node, joinPointer('/spec/backends', i, 'virtualService', 'virtualServiceName'), 'VN-BE-5', 'warning',
          `${service!.identity.name} and ${first} are both TCP destinations on port ${listener.port}; App Mesh cannot tell them apart on one port. ` +
            'Give one of them another port (a virtual router listener can remap it).'));
      }
    }
  });
}
