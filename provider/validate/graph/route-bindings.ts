// How routes bind to their router's listener and to their target nodes' listeners:
// VR-1, RT-P-1, RT-P-2, RT-T-3, RT-T-4 (XR-1), XR-3 and RT-TO-1.
import { Diagnostic, joinPointer } from '../../model/diagnostic';
import { parentKeyOf } from '../../model/mesh-model';
import { Resource } from '../../model/resource';
import { DEFAULT_PER_REQUEST_MS, durationMillis, formatMillis } from '../../rules/duration';
import { ListenerView } from '../../rules/listener';
import { RouteBody, routeBodyOf } from '../../rules/route-types';
import { asArray, asNumber, asObject, asString, objectAt } from '../../rules/values';
import { diagnosticAt } from '../rule-context';
import { describeListeners, GraphIndex } from './graph-index';
import { selectListener } from './listener-selection';

/** VR-1 on a router without listeners. */
export function checkRouterListeners(router: Resource, index: GraphIndex, out: Diagnostic[]): void {
  if (index.listeners(router).length > 0) return;
  const routes = index.childrenOf(router.key);
  if (routes.length > 0) {
    // The App Mesh API accepted it (only the Kubernetes CRD requires a listener); nothing is routed through it.
    out.push(diagnosticAt(router, '/spec', 'VR-1', 'warning',
      `router ${router.identity.name} has ${routes.length} route(s) but no listener, so no route can match and clients of the services it provides get no route; add "listeners: [{portMapping: {port: 80, protocol: http}}]" with the port and protocol clients use.`));
  } else {
    out.push(diagnosticAt(router, '/spec', 'VR-1', 'warning',
      `router ${router.identity.name} has no listener and no route; add a listener (port and protocol) and routes, or remove the router.`));
  }
}

/** A route's bindings, against each definition of its router that has listeners. */
export function checkRouteBindings(route: Resource, index: GraphIndex, out: Diagnostic[]): void {
  for (const router of index.all(parentKeyOf(route)!)) {
    if (index.listeners(router).length > 0) checkRoute(route, router, index, out);
  }
}

function checkRoute(route: Resource, router: Resource, index: GraphIndex, out: Diagnostic[]): void {
  const parsed = routeBodyOf(route.doc.spec);
  if (!parsed) return;
  const pointer = joinPointer('/spec', parsed.type);
  const routerListeners = index.listeners(router);
  const selection = selectListener(routerListeners, asNumber(objectAt(parsed.body, 'match')?.port));
  const routerName = router.identity.name;
  if (selection.outcome === 'port-required') {
    out.push(diagnosticAt(route, joinPointer(pointer, 'match'), 'RT-P-1', 'error',
      `router ${routerName} has several listeners (${describeListeners(routerListeners)}); set match.port to the one this route serves.`));
  } else if (selection.outcome === 'unknown-port') {
    out.push(diagnosticAt(route, joinPointer(pointer, 'match', 'port'), 'XR-3', 'error',
      `router ${routerName} has no listener on port ${selection.port}; use one of its listener ports (${describeListeners(routerListeners)}).`));
  } else if (selection.outcome === 'selected' && selection.listener.protocol !== parsed.protocol) {
    // App Mesh accepted this; its Envoy config holds a listener's routes in a table of that listener's protocol, so the route never matches.
    out.push(diagnosticAt(route, pointer, 'RT-P-2', 'warning',
      `this ${parsed.type} is bound to router ${routerName}'s listener ${selection.listener.port}, whose protocol is ${selection.listener.protocol}, so it never matches any request ` +
        `(App Mesh accepted it and served it the same way); make it a ${selection.listener.protocol}Route, or change the router listener.`));
  }
  asArray(objectAt(parsed.body, 'action')?.weightedTargets).forEach((target, i) => {
    checkTarget(route, parsed, asObject(target), joinPointer(pointer, 'action', 'weightedTargets', i), index, out);
  });
}

function checkTarget(route: Resource, parsed: RouteBody, target: Record<string, unknown> | undefined, pointer: string, index: GraphIndex, out: Diagnostic[]): void {
  const nodeName = asString(target?.virtualNode);
  const node = nodeName !== undefined ? index.get('VirtualNode', route.identity.meshName, nodeName) : undefined;
  if (!node) return; // R6 reports unknown nodes
  const listeners = index.listeners(node);
  const selection = selectListener(listeners, asNumber(target?.port));
  switch (selection.outcome) {
    case 'no-listeners':
      out.push(diagnosticAt(route, joinPointer(pointer, 'virtualNode'), 'RT-T-4', 'warning',
        `virtual node ${nodeName} has no listener, so this target receives no traffic (its weight goes to the other targets; with none left the route does not match); add a ${parsed.protocol} listener to it or target another node.`));
      return;
    case 'port-required':
      out.push(diagnosticAt(route, pointer, 'RT-T-3', 'error',
        `virtual node ${nodeName} has several listeners (${describeListeners(listeners)}); add "port" to this target to pick one.`));
      return;
    case 'unknown-port':
      out.push(diagnosticAt(route, joinPointer(pointer, 'port'), 'XR-3', 'error',
        `virtual node ${nodeName} has no listener on port ${selection.port}; use one of ${describeListeners(listeners)}.`));
      return;
  }
  const listener = selection.listener;
  if (listener.protocol !== parsed.protocol) {
    out.push(diagnosticAt(route, joinPointer(pointer, 'virtualNode'), 'RT-T-4', 'warning',
      `this ${parsed.type} sends ${parsed.protocol} traffic, but virtual node ${nodeName}'s listener ${listener.port} speaks ${listener.protocol}; ` +
        `App Mesh accepted this and Envoy forwards the requests speaking ${listener.protocol}, which the application may not understand. Target a node listener with protocol ${parsed.protocol}, or change the route type.`));
    return;
  }
  checkTimeoutReachesNode(route, parsed, nodeName!, listener, out);
}

/** RT-TO-1: a route timeout above 15 s is cut at 15 s unless the node listener raises its own. */
function checkTimeoutReachesNode(route: Resource, parsed: RouteBody, nodeName: string, listener: ListenerView, out: Diagnostic[]): void {
  const routeMs = durationMillis(objectAt(parsed.body, 'timeout')?.perRequest);
  if (routeMs === undefined || routeMs <= DEFAULT_PER_REQUEST_MS) return;
  const nodeMs = durationMillis(objectAt(listener.listener, 'timeout', parsed.protocol)?.perRequest) ?? DEFAULT_PER_REQUEST_MS;
  if (nodeMs === 0 || nodeMs >= routeMs) return; // 0 disables the node's timeout
  out.push(diagnosticAt(route, joinPointer('/spec', parsed.type, 'timeout', 'perRequest'), 'RT-TO-1', 'warning',
    `requests may run ${formatMillis(routeMs)} here, but virtual node ${nodeName}'s listener ${listener.port} cuts them at ${formatMillis(nodeMs)}; ` +
      `set its "timeout: {${parsed.protocol}: {perRequest: …}}" to at least ${formatMillis(routeMs)} (and on the calling node too).`));
}
