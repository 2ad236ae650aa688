// Who calls which virtual service, and with which client policy: nodes through their
// backends, gateways through the targets of their gateway routes: the client/server pairs
// the TLS coherence rules look at.
import { joinPointer } from '../../model/diagnostic';
import { Resource } from '../../model/resource';
import { GATEWAY_ROUTE_TYPES, routeBodyOf } from '../../rules/route-types';
import { asArray, asObject, Obj, objectAt } from '../../rules/values';
import { GraphIndex } from './graph-index';

export interface ServiceCall {
  /** The document holding the reference, where diagnostics go. */
  holder: Resource;
  /** Pointer of the reference inside `holder`. */
  pointer: string;
  /** The calling node or gateway. */
  client: Resource;
  service: Resource;
  /** Effective `clientPolicy.tls` (the backend's own, else backendDefaults). */
  tls?: Obj;
}

export function* serviceCalls(index: GraphIndex): Iterable<ServiceCall> {
  for (const node of index.model.list('VirtualNode')) {
    const spec = asObject(node.doc.spec);
    const defaults = objectAt(spec, 'backendDefaults', 'clientPolicy', 'tls');
    const backends = asArray(spec?.backends);
    for (let i = 0; i < backends.length; i++) {
      const backend = objectAt(backends[i], 'virtualService');
      const service = index.backendService(node, backend?.virtualServiceName);
      if (!service) continue;
      const tls = objectAt(backend, 'clientPolicy', 'tls') ?? defaults;
      yield { holder: node, pointer: joinPointer('/spec/backends', i, 'virtualService', 'virtualServiceName'), client: node, service, tls };
    }
  }
  for (const gateway of index.model.list('VirtualGateway')) {
    const tls = objectAt(gateway.doc.spec, 'backendDefaults', 'clientPolicy', 'tls');
    for (const route of index.model.childrenOf(gateway)) {
      const parsed = routeBodyOf(route.doc.spec, GATEWAY_ROUTE_TYPES);
      const name = objectAt(parsed?.body, 'action', 'target', 'virtualService')?.virtualServiceName;
      const service = typeof name === 'string' ? index.model.get('VirtualService', route.identity.meshName, name) : undefined;
      if (!service) continue;
      const pointer = joinPointer('/spec', parsed!.type, 'action', 'target', 'virtualService', 'virtualServiceName');
      yield { holder: route, pointer, client: gateway, service, tls };
    }
  }
}
