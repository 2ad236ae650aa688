// Virtual gateways route in two stages (envoy-mapping.md §5.1 [I], §7). Stage one, on each
// gateway listener: gateway routes match (hostname, path, headers, query, method), rewrite Host
// to the target virtual service and the matched prefix to `/` (App Mesh's defaults) or as told,
// and send the request through the listener's self_redirect cluster into the gateway's own
// egress listener. Stage two routes it like any client's egress request to that service.
import type { GatewayRouteSpec, HttpGatewayRoute, GrpcGatewayRoute, VirtualGatewayListener } from '../../schemas/types';
import { GATEWAY_ROUTE_TYPES, routeBodyOf } from '../rules/route-types';
import { Json } from './proto-codec';
import { duration, escapeRegex } from './envoy-values';
import { Found, MeshView } from './mesh-view';
import { GATEWAY_TARGET_HEADER } from './names';
import { grpcRouteMatch, httpRouteMatch, HttpMatchInput } from './route-match';
import { compareOrdered, matchSpecificity, Ordered, ServicePort, servicePorts } from './routes';

/** The service port a gateway route targets: its explicit port, else the provider's only (or first) port. */
export function gatewayTarget(view: MeshView, meshName: string, virtualService: string, port: number | undefined): ServicePort | undefined {
  const ports = servicePorts(view, meshName, virtualService);
  return port !== undefined ? ports.find((p) => p.port === port) : ports[0];
}

export function targetKey(sp: ServicePort): string {
  return `${sp.virtualService}:${sp.port}`;
}

/** `:authority` may carry a port; hostnames compare case-insensitively. */
function hostnameMatcher(hostname: { exact?: string; suffix?: string } | undefined): Json[] {
  if (hostname?.exact !== undefined) return [{ name: ':authority', string_match: { safe_regex: { regex: `(?i)^${escapeRegex(hostname.exact)}(:[0-9]+)?$` } } }];
  if (hostname?.suffix !== undefined) return [{ name: ':authority', string_match: { safe_regex: { regex: `(?i)^.*${escapeRegex(hostname.suffix)}(:[0-9]+)?$` } } }];
  return [];
}

/** Path rewrites: the matched prefix → `/` by default (`/chapter/1` → `/1`), or the given prefix or exact path. */
function pathRewrite(route: HttpGatewayRoute): Json {
  const match = route.match;
  const rewrite = route.action.rewrite;
  if (match.prefix !== undefined) {
    if (rewrite?.prefix?.value !== undefined) return { prefix_rewrite: rewrite.prefix.value };
    if (rewrite?.prefix?.defaultPrefix === 'DISABLED' || match.prefix === '/') return {};
    const pattern = `^${escapeRegex(match.prefix)}${match.prefix.endsWith('/') ? '' : '/?'}`;
    return { regex_rewrite: { pattern: { regex: pattern }, substitution: '/' } };
  }
  // Exact and regex path matches have no default rewrite.
  if (rewrite?.path?.exact !== undefined) return { regex_rewrite: { pattern: { regex: '^.*$' }, substitution: rewrite.path.exact } };
  return {};
}

interface Candidate extends Ordered {
  spec: GatewayRouteSpec;
}

/** The gateway routes that apply to one gateway listener, longest prefix first after any priorities. */
function routesForListener(view: MeshView, gateway: Found<unknown>, listener: VirtualGatewayListener): Candidate[] {
  const out: Candidate[] = [];
  for (const route of view.gatewayRoutes(gateway.meshName, gateway.name)) {
    const body = routeBodyOf(route.spec, GATEWAY_ROUTE_TYPES);
    if (!body || body.protocol !== listener.portMapping.protocol) continue;
    const match = (body.body.match ?? {}) as HttpMatchInput & { port?: number };
    if (match.port !== undefined && match.port !== listener.portMapping.port) continue;
    out.push({ name: route.name, priority: route.spec.priority, specificity: matchSpecificity(match), spec: route.spec });
  }
  return out.sort(compareOrdered);
}

export interface GatewayStageOne {
  routeConfig: Json;
  targets: ServicePort[];
}

/** Stage one: the route table of one gateway listener. */
export function gatewayRouteConfig(
  view: MeshView,
  gateway: Found<unknown>,
  listener: VirtualGatewayListener,
  routeConfigName: string,
  selfRedirectCluster: string,
): GatewayStageOne {
  const routes: Json[] = [];
  const targets: ServicePort[] = [];
  for (const candidate of routesForListener(view, gateway, listener)) {
    const body = routeBodyOf(candidate.spec, GATEWAY_ROUTE_TYPES)!;
    const route = body.body as unknown as HttpGatewayRoute | GrpcGatewayRoute;
    const target = gatewayTarget(view, gateway.meshName, route.action.target.virtualService.virtualServiceName, route.action.target.port);
    if (!target) continue;
    targets.push(target);
    const hostHeaders = hostnameMatcher(route.match.hostname);
    const match = body.type === 'grpcRoute' ? grpcRouteMatch(route.match as GrpcGatewayRoute['match'], 'envoy', hostHeaders) : httpRouteMatch(route.match as HttpGatewayRoute['match'], 'envoy', hostHeaders);
    // [I] Stage one never times out on its own: stage two applies the target's route timeouts.
    const action: Json = { cluster: selfRedirectCluster, timeout: duration(0) };
    if (route.action.rewrite?.hostname?.defaultTargetHostname !== 'DISABLED') action.host_rewrite_literal = target.virtualService;
    if (body.type !== 'grpcRoute') Object.assign(action, pathRewrite(route as HttpGatewayRoute));
    routes.push({
      name: candidate.name,
      match,
      route: action,
      request_headers_to_add: [{ header: { key: GATEWAY_TARGET_HEADER, value: targetKey(target) }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }],
    });
  }
  const host: Json = { name: 'gateway', domains: ['*'] };
  if (routes.length) host.routes = routes;
  return { routeConfig: { name: routeConfigName, virtual_hosts: [host] }, targets };
}

/** Stage two selects the target service port by the header stage one set. */
export function targetHeaderMatcher(sp: ServicePort): Json {
  return { name: GATEWAY_TARGET_HEADER, string_match: { exact: targetKey(sp) } };
}
