// §9.4 per-document rules of a VirtualGateway.
import { joinPointer } from '../model/diagnostic';
import { ResourceDocument } from '../model/resource';
import { Report, RuleContext } from '../validate/rule-context';
import { checkAccessLog } from './access-log';
import { checkHealthCheck } from './health-check';
import { checkListenersNotEmpty, checkProtocolMember, checkUniquePorts, listenersOf } from './listener';
import { checkClientPolicyTls, checkListenerTls } from './tls';
import { asObject, objectAt } from './values';

const GATEWAY_PROTOCOLS = new Set(['http', 'http2', 'grpc']);
// tcp is listed so that a tcp pool on a gateway is reported (VG-2), not just ignored.
const POOL_MEMBERS = ['http', 'http2', 'grpc', 'tcp'] as const;
const PRIVILEGED_PORT_LIMIT = 1024;
const ENVOY_PORTS = new Map([
  [9901, 'the Envoy admin port'],
  [9902, 'the App Mesh agent port'],
]);

export function checkVirtualGateway(doc: ResourceDocument, report: Report, ctx: RuleContext): void {
  const spec = asObject(doc.spec);
  if (!spec) return;
  const listeners = listenersOf(spec);
  checkListenersNotEmpty(spec, 'VG-1', report);
  checkUniquePorts(listeners, 'VG-1', report);
  for (const view of listeners) {
    const { listener, pointer, port, protocol } = view;
    const portAt = joinPointer(pointer, 'portMapping', 'port');
    if (protocol !== undefined && !GATEWAY_PROTOCOLS.has(protocol)) {
      report(joinPointer(pointer, 'portMapping', 'protocol'), 'VG-1', 'error',
        `a virtual gateway cannot listen with protocol ${protocol}; use http, http2 or grpc (TCP traffic needs a virtual node).`);
    }
    if (port !== undefined && ENVOY_PORTS.has(port)) {
      report(portAt, 'VG-6', 'warning', `port ${port} is ${ENVOY_PORTS.get(port)}; the gateway Envoy cannot also listen on it. Use another port.`);
    } else if (port !== undefined && port <= PRIVILEGED_PORT_LIMIT) {
      report(portAt, 'VG-6', 'warning',
        `port ${port} is privileged: the Envoy user needs CAP_NET_BIND_SERVICE, and Fargate does not allow it; prefer a port above ${PRIVILEGED_PORT_LIMIT} behind the load balancer.`);
    }
    checkProtocolMember(listener.connectionPool, view, 'connectionPool', POOL_MEMBERS, 'VG-2', report);
    checkHealthCheck(listener.healthCheck, port, joinPointer(pointer, 'healthCheck'), report);
    checkListenerTls(listener.tls, joinPointer(pointer, 'tls'), report, ctx);
  }
  checkClientPolicyTls(objectAt(spec, 'backendDefaults', 'clientPolicy')?.tls, '/spec/backendDefaults/clientPolicy/tls', report, ctx);
  checkAccessLog(spec.logging, '/spec/logging', report);
}
