// The route-type members of Route and GatewayRoute specs and the listener protocol each
// one needs (RT-1, GR-1, XR-1).
import { asObject, Obj, presentMembers } from './values';

export const ROUTE_PROTOCOLS = { httpRoute: 'http', http2Route: 'http2', grpcRoute: 'grpc', tcpRoute: 'tcp' } as const;
export type RouteType = keyof typeof ROUTE_PROTOCOLS;

export const ROUTE_TYPES = Object.keys(ROUTE_PROTOCOLS) as RouteType[];
export const GATEWAY_ROUTE_TYPES: readonly RouteType[] = ['httpRoute', 'http2Route', 'grpcRoute'];

export interface RouteBody {
  type: RouteType;
  body: Obj;
  protocol: string;
}

/** The single route-type member of a spec, or undefined when there is not exactly one. */
export function routeBodyOf(spec: unknown, types: readonly RouteType[] = ROUTE_TYPES): RouteBody | undefined {
  const object = asObject(spec);
  const present = presentMembers(object, types) as RouteType[];
  const body = present.length === 1 ? asObject(object![present[0]]) : undefined;
  return body ? { type: present[0], body, protocol: ROUTE_PROTOCOLS[present[0]] } : undefined;
}
