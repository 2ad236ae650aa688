// §6 per-document rules of a VirtualNode: listeners, service discovery, backends, logging.
import { joinPointer } from '../model/diagnostic';
import { ResourceDocument } from '../model/resource';
import { Report, RuleContext } from '../validate/rule-context';
import { checkAccessLog } from './access-log';
import { checkHealthCheck } from './health-check';
import { checkListenersNotEmpty, checkProtocolMember, checkUniquePorts, ListenerView, listenersOf } from './listener';
import { checkClientPolicyTls, checkListenerTls } from './tls';
import { asArray, asObject, asString, objectAt, Obj } from './values';

const NODE_PROTOCOLS = ['http', 'http2', 'grpc', 'tcp'] as const;
// VN-L-5: Envoy admin, App Mesh agent, and the iptables interception ports.
const RESERVED_PORTS = new Map([
  [9901, 'the Envoy admin port'],
  [9902, 'the App Mesh agent port'],
  [15000, 'the Envoy ingress interception port'],
  [15001, 'the Envoy egress interception port'],
]);

export function checkVirtualNode(doc: ResourceDocument, report: Report, ctx: RuleContext): void {
  const spec = asObject(doc.spec);
  if (!spec) return;
  const listeners = listenersOf(spec);
  checkListenersNotEmpty(spec, 'VN-L-1', report);
  checkUniquePorts(listeners, 'VN-L-1', report);
  const discovery = asObject(spec.serviceDiscovery);
  for (const view of listeners) checkListener(view, discovery, report, ctx);
  checkServiceDiscovery(discovery, listeners.length > 0, report, ctx);
  checkBackends(spec, report, ctx);
  checkAccessLog(spec.logging, '/spec/logging', report);
}

function checkListener(view: ListenerView, discovery: Obj | undefined, report: Report, ctx: RuleContext): void {
  const { listener, pointer, port } = view;
  const reserved = port !== undefined ? RESERVED_PORTS.get(port) : undefined;
  if (reserved) {
    report(joinPointer(pointer, 'portMapping', 'port'), 'VN-L-5', 'warning',
      `port ${port} is ${reserved}; the application cannot serve on it next to Envoy. Use another port.`);
  }
  checkProtocolMember(listener.connectionPool, view, 'connectionPool', NODE_PROTOCOLS, 'CP-2', report);
  checkProtocolMember(listener.timeout, view, 'timeout', NODE_PROTOCOLS, 'TO-1', report);
  if (objectAt(listener, 'timeout', 'tcp')?.perRequest !== undefined) {
    report(joinPointer(pointer, 'timeout', 'tcp', 'perRequest'), 'VN-L-2', 'error',
      'a tcp listener has no per-request timeout (TCP has no requests); remove perRequest and use "idle" to bound connections.');
  }
  checkHealthCheck(listener.healthCheck, port, joinPointer(pointer, 'healthCheck'), report);
  if (listener.outlierDetection !== undefined && discovery?.dns !== undefined) {
    // OD-2: responseType defaults to LOADBALANCER.
    const responseType = asString(objectAt(discovery, 'dns')?.responseType) ?? 'LOADBALANCER';
    if (responseType === 'LOADBALANCER') {
      report(joinPointer(pointer, 'outlierDetection'), 'OD-2', 'warning',
        'outlier detection has no effect with DNS responseType LOADBALANCER (clients see one address, so nothing can be ejected); set serviceDiscovery.dns.responseType: ENDPOINTS or use awsCloudMap.');
    }
  }
  checkListenerTls(listener.tls, joinPointer(pointer, 'tls'), report, ctx);
}

function checkServiceDiscovery(discovery: Obj | undefined, hasListeners: boolean, report: Report, ctx: RuleContext): void {
  if (!discovery) {
    if (hasListeners) {
      report('/spec/listeners', 'VN-SD-2', 'error',
        'a node with listeners needs spec.serviceDiscovery so clients can find its instances; add e.g. "serviceDiscovery: {dns: {hostname: <name>.apps.local}}", or remove the listeners for a client-only node.');
    }
    return;
  }
  if (asString(objectAt(discovery, 'dns')?.responseType) === 'ENDPOINTS') {
    report('/spec/serviceDiscovery/dns/responseType', 'VN-SD-3', 'info',
      'if this hostname is served by Route 53 (a private hosted zone or a load balancer name), App Mesh requires responseType LOADBALANCER; ENDPOINTS fits resolvers that return every instance (e.g. Kubernetes headless services).');
  }
  if (discovery.awsCloudMap !== undefined && !ctx.environment.validation.cloudMapAdapter) {
    report('/spec/serviceDiscovery/awsCloudMap', 'VN-SD-4', 'error',
      'this environment has no Cloud Map-compatible discovery adapter (environment.yaml validation.cloudMapAdapter: false); use "dns" discovery, or enable the adapter with `validation: { cloudMapAdapter: true }`.');
  }
}

function checkBackends(spec: Obj, report: Report, ctx: RuleContext): void {
  const seen = new Map<string, number>();
  asArray(spec.backends).forEach((backend, index) => {
    const service = objectAt(backend, 'virtualService');
    const at = joinPointer('/spec/backends', index, 'virtualService');
    const name = asString(service?.virtualServiceName);
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined) {
        report(joinPointer(at, 'virtualServiceName'), 'VN-BE-1', 'error', `backend "${name}" is already listed as backend ${first}; remove the duplicate.`);
      } else seen.set(name, index);
    }
    checkClientPolicyTls(objectAt(service, 'clientPolicy')?.tls, joinPointer(at, 'clientPolicy', 'tls'), report, ctx);
  });
  checkClientPolicyTls(objectAt(spec, 'backendDefaults', 'clientPolicy')?.tls, '/spec/backendDefaults/clientPolicy/tls', report, ctx);
}
