// The route-type members of Route and GatewayRoute specs and the listener protocol each
// one needs (RT-1, GR-1, XR-1).
import { joinPointer } from '../model/diagnostic';
import type { Report } from '../validate/rule-context';
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

/**
 * RT-1 / GR-1: the route body of a spec that has exactly one of `types`; with none or several, the
 * problem is reported (as `rule.code`, naming the resource `rule.noun`) and the answer is undefined.
 */
export function checkOneRouteType(
  spec: Obj | undefined,
  types: readonly RouteType[],
  rule: { code: string; noun: string; hint?: string },
  report: Report,
): RouteBody | undefined {
  const present = presentMembers(spec, types);
  if (present.length !== 1) {
    report(present.length > 1 ? joinPointer('/spec', present[1]) : '/spec', rule.code, 'error',
      present.length > 1
        ? `a ${rule.noun} has exactly one route type, but this one has ${present.join(' and ')}; split it into ${present.length} ${rule.noun}s.`
        : `a ${rule.noun} needs exactly one of ${types.join(', ')}${rule.hint ? ` ${rule.hint}` : ''}.`);
    return undefined;
  }
  return routeBodyOf(spec, types);
}
