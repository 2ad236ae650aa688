// Who calls which virtual service, and with which client policy: nodes through their
// backends, gateways through the targets of their gateway routes: the client/server pairs
// the TLS coherence rules look at.
import { joinPointer } from '../../model/diagnostic';
import { parentKeyOf } from '../../model/mesh-model';
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

/** The calls `client` (a node, or a gateway route for each definition of its gateway) makes. */
export function* serviceCalls(client: Resource, index: GraphIndex): Iterable<ServiceCall> {
  if (client.kind === 'VirtualNode') {
    const spec = asObject(client.doc.spec);
    const defaults = objectAt(spec, 'backendDefaults', 'clientPolicy', 'tls');
    const backends = asArray(spec?.backends);
    for (let i = 0; i < backends.length; i++) {
      const backend = objectAt(backends[i], 'virtualService');
      const service = index.backendService(client, backend?.virtualServiceName);
      if (!service) continue;
      const tls = objectAt(backend, 'clientPolicy', 'tls') ?? defaults;
      yield { holder: client, pointer: joinPointer('/spec/backends', i, 'virtualService', 'virtualServiceName'), client, service, tls };
    }
  } else if (client.kind === 'GatewayRoute') {
    const route = client;
    const parsed = routeBodyOf(route.doc.spec, GATEWAY_ROUTE_TYPES);
    const name = objectAt(parsed?.body, 'action', 'target', 'virtualService')?.virtualServiceName;
    for (const gateway of index.all(parentKeyOf(route)!)) {
      const tls = objectAt(gateway.doc.spec, 'backendDefaults', 'clientPolicy', 'tls');
      const service = typeof name === 'string' ? index.get('VirtualService', route.identity.meshName, name) : undefined;
      if (!service) continue;
      const pointer = joinPointer('/spec', parsed!.type, 'action', 'target', 'virtualService', 'virtualServiceName');
      yield { holder: route, pointer, client: gateway, service, tls };
    }
  }
}
