// §8.7 per-document rules of a Route.
import { joinPointer } from '../model/diagnostic';
import { ResourceDocument } from '../model/resource';
import { Report } from '../validate/rule-context';
import { checkHeaderMatches } from './header-match';
import { checkHttpMatchConditions } from './http-match';
import { checkRetryPolicy } from './retry-policy';
import { checkOneRouteType, ROUTE_TYPES } from './route-types';
import { asObject, asString, objectAt, presentMembers } from './values';
import { checkWeightedTargets } from './weighted-targets';

export function checkRoute(doc: ResourceDocument, report: Report): void {
  const spec = asObject(doc.spec);
  const route = checkOneRouteType(spec, ROUTE_TYPES, { code: 'RT-1', noun: 'route' }, report);
  if (!route) return;
  const pointer = joinPointer('/spec', route.type);
  const match = asObject(route.body.match);
  const matchAt = joinPointer(pointer, 'match');
  if (match && (route.type === 'httpRoute' || route.type === 'http2Route')) {
    const kinds = presentMembers(match, ['prefix', 'path']);
    if (kinds.length !== 1) {
      report(matchAt, 'RT-M-1', 'error',
        `an HTTP route matches on exactly one of "prefix" or "path" (found ${kinds.length === 0 ? 'neither' : 'both'}); use "prefix: /" to match every path.`);
    }
    const prefix = asString(match.prefix);
    if (prefix !== undefined && !prefix.startsWith('/')) {
      report(joinPointer(matchAt, 'prefix'), 'RT-M-2', 'error', `prefix "${prefix}" must start with "/"; write "/${prefix}".`);
    }
    if (match.scheme !== undefined && route.type === 'httpRoute') {
      report(joinPointer(matchAt, 'scheme'), 'RT-M-3', 'error', '"scheme" can only be matched on an http2Route; remove it, or make this an http2Route on an http2 router listener.');
    }
    checkHttpMatchConditions(match, matchAt, 'RT-M-4', report);
  }
  if (match && route.type === 'grpcRoute') {
    if (match.methodName !== undefined && match.serviceName === undefined) {
      report(joinPointer(matchAt, 'methodName'), 'RT-M-5', 'error',
        '"methodName" needs "serviceName" (a method is only unique within its service); add serviceName, e.g. "orders.v1.OrderService".');
    }
    checkHeaderMatches(match.metadata, joinPointer(matchAt, 'metadata'), report);
  }
  checkWeightedTargets(objectAt(route.body, 'action')?.weightedTargets, joinPointer(pointer, 'action', 'weightedTargets'), report);
  checkRetryPolicy(route, pointer, report);
}
