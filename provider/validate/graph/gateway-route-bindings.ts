// How gateway routes bind to their gateway's listener and to their target service's
// provider: GR-11, GR-12, XR-3, XR-5, GR-13, plus VS-6 on the services they may target.
import { Diagnostic, joinPointer } from '../../model/diagnostic';
import { parentKeyOf } from '../../model/mesh-model';
import { Resource } from '../../model/resource';
import { GATEWAY_ROUTE_TYPES, RouteBody, routeBodyOf } from '../../rules/route-types';
import { asNumber, asString, objectAt } from '../../rules/values';
import { diagnosticAt } from '../rule-context';
import { describeListeners, GraphIndex } from './graph-index';
import { selectListener } from './listener-selection';

/** A gateway route's bindings, against each definition of its gateway. */
export function checkGatewayRouteBindings(route: Resource, index: GraphIndex, out: Diagnostic[]): void {
  const parsed = routeBodyOf(route.doc.spec, GATEWAY_ROUTE_TYPES);
  if (!parsed) return;
  for (const gateway of index.all(parentKeyOf(route)!)) {
    checkGatewayListener(route, parsed, gateway, index, out);
    checkTarget(route, parsed, index, out);
  }
}

/** VS-6: gateway routes targeting a service whose provider node has several listeners must pick one. */
export function checkProviderListeners(service: Resource, index: GraphIndex, out: Diagnostic[]): void {
  const provider = index.provider(service);
  if (provider?.kind === 'VirtualNode' && index.listeners(provider).length > 1) {
    out.push(diagnosticAt(service, '/spec/provider/virtualNode', 'VS-6', 'warning',
      `provider ${provider.identity.name} has several listeners (${describeListeners(index.listeners(provider))}); every gateway route targeting this service must set action.target.port.`));
  }
}

function checkGatewayListener(route: Resource, parsed: RouteBody, gateway: Resource, index: GraphIndex, out: Diagnostic[]): void {
  const pointer = joinPointer('/spec', parsed.type, 'match');
  const listeners = index.listeners(gateway);
  const selection = selectListener(listeners, asNumber(objectAt(parsed.body, 'match')?.port));
  const name = gateway.identity.name;
  if (selection.outcome === 'port-required') {
    out.push(diagnosticAt(route, pointer, 'GR-11', 'error',
      `gateway ${name} has several listeners (${describeListeners(listeners)}); set match.port to the one this route serves.`));
  } else if (selection.outcome === 'unknown-port') {
    out.push(diagnosticAt(route, joinPointer(pointer, 'port'), 'XR-3', 'error',
      `gateway ${name} has no listener on port ${selection.port}; use one of its listener ports (${describeListeners(listeners)}).`));
  } else if (selection.outcome === 'selected' && selection.listener.protocol !== parsed.protocol) {
    out.push(diagnosticAt(route, joinPointer('/spec', parsed.type), 'GR-11', 'warning',
      `this ${parsed.type} is bound to gateway ${name}'s listener ${selection.listener.port}, whose protocol is ${selection.listener.protocol}; ` +
        `use a ${selection.listener.protocol}Route or bind it to a ${parsed.protocol} listener with match.port.`));
  }
}

function checkTarget(route: Resource, parsed: RouteBody, index: GraphIndex, out: Diagnostic[]): void {
  const targetAt = joinPointer('/spec', parsed.type, 'action', 'target');
  const target = objectAt(parsed.body, 'action', 'target');
  const serviceName = asString(objectAt(target, 'virtualService')?.virtualServiceName);
  const service = serviceName !== undefined ? index.get('VirtualService', route.identity.meshName, serviceName) : undefined;
  if (!service) return; // R7 reports unknown services
  if (objectAt(service.doc.spec, 'provider') === undefined) {
    out.push(diagnosticAt(route, joinPointer(targetAt, 'virtualService', 'virtualServiceName'), 'GR-13', 'warning',
      `virtual service ${serviceName} has no provider, so requests routed here fail; give it a provider (virtual node or router).`));
    return;
  }
  const provider = index.provider(service);
  if (!provider) return; // R4/R5 report unknown providers
  const listeners = index.listeners(provider);
  const selection = selectListener(listeners, asNumber(target?.port));
  const providerLabel = `${provider.kind === 'VirtualNode' ? 'virtual node' : 'virtual router'} ${provider.identity.name}`;
  if (selection.outcome === 'port-required') {
    out.push(diagnosticAt(route, targetAt, 'GR-12', 'error',
      `${serviceName} is provided by ${providerLabel}, which has several listeners (${describeListeners(listeners)}); set action.target.port.`));
  } else if (selection.outcome === 'unknown-port') {
    out.push(diagnosticAt(route, joinPointer(targetAt, 'port'), 'XR-3', 'error',
      `${providerLabel} (provider of ${serviceName}) has no listener on port ${selection.port}; use one of ${describeListeners(listeners)}.`));
  } else if (selection.outcome === 'selected' && selection.listener.protocol !== parsed.protocol) {
    out.push(diagnosticAt(route, targetAt, 'XR-5', 'warning',
      `this ${parsed.type} forwards to ${providerLabel}'s listener ${selection.listener.port}, which speaks ${selection.listener.protocol}; ` +
        `target a ${parsed.protocol} listener (action.target.port) or use a ${selection.listener.protocol}Route.`));
  }
}
