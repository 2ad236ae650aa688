// §11.7 TLS coherence between a client's policy and the listeners it reaches (TLS-4 decides
// whether a policy applies): XR-9 and XR-10, both warnings.
import { Diagnostic } from '../../model/diagnostic';
import { Resource } from '../../model/resource';
import { ListenerView } from '../../rules/listener';
import { asArray, asString, Obj, objectAt } from '../../rules/values';
import { diagnosticAt } from '../rule-context';
import { serviceCalls } from './client-endpoints';
import { Endpoint, GraphIndex } from './graph-index';

/** XR-9 / XR-10 on the calls a node's backends or a gateway route make. */
export function checkTlsCoherence(client: Resource, index: GraphIndex, out: Diagnostic[]): void {
  for (const call of serviceCalls(client, index)) {
    const endpoints = index.endpoints(call.service);
    const serviceName = call.service.identity.name;
    const clientName = `${call.client.kind === 'VirtualNode' ? 'node' : 'gateway'} ${call.client.identity.name}`;
    const covered = endpoints.filter((e) => policyApplies(call.tls, e.listener));
    if (covered.length > 0 && covered.every((e) => listenerMode(e.listener) === 'DISABLED')) {
      out.push(diagnosticAt(call.holder, call.pointer, 'XR-9', 'warning',
        `${clientName} enforces TLS towards ${serviceName}, but ${describe(covered)} serve plaintext, so handshakes will fail; ` +
          'enable TLS on those listeners, or set "enforce: false" / narrow the policy\'s ports.'));
    }
    const demanding = endpoints.filter((e) => listenerMode(e.listener) === 'STRICT' && objectAt(e.listener.listener, 'tls', 'validation'));
    const withoutCertificate = demanding.filter((e) => !(policyApplies(call.tls, e.listener) && call.tls?.certificate !== undefined));
    if (withoutCertificate.length > 0) {
      out.push(diagnosticAt(call.holder, call.pointer, 'XR-10', 'warning',
        `${describe(withoutCertificate)} of ${serviceName} require client certificates (STRICT with validation), but ${clientName} offers none on those ports, so its requests will be rejected; ` +
          'add clientPolicy.tls.certificate (file or sds) to its backend or backendDefaults.'));
    }
  }
}

/** TLS-4: a client policy is used only when enforced and when its ports (empty = all) include the server port. */
function policyApplies(tls: Obj | undefined, listener: ListenerView): boolean {
  if (!tls || tls.enforce === false) return false;
  const ports = asArray(tls.ports);
  return ports.length === 0 || ports.includes(listener.port);
}

/** Absent listener TLS serves plaintext, like DISABLED. */
function listenerMode(listener: ListenerView): string {
  return asString(objectAt(listener.listener, 'tls')?.mode) ?? 'DISABLED';
}

function describe(endpoints: readonly Endpoint[]): string {
  return 'listener(s) ' + endpoints.map((e) => `${e.node.identity.name}:${e.listener.port}`).join(', ');
}
