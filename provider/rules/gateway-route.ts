// §10.5 per-document rules of a GatewayRoute.
import { joinPointer } from '../model/diagnostic';
import { ResourceDocument } from '../model/resource';
import { Report } from '../validate/rule-context';
import { checkHeaderMatches } from './header-match';
import { checkHttpMatchConditions } from './http-match';
import { checkOneRouteType, GATEWAY_ROUTE_TYPES } from './route-types';
import { asObject, asString, Obj, objectAt, presentMembers } from './values';

// GR-4 / GR-5: App Mesh keeps these for its own endpoints.
const RESERVED_PREFIXES = ['/aws-appmesh', '/aws-app-mesh'];
const RESERVED_GRPC_SERVICES = ['aws.appmesh', 'aws.app-mesh'];

export function checkGatewayRoute(doc: ResourceDocument, report: Report): void {
  const spec = asObject(doc.spec);
  const route = checkOneRouteType(spec, GATEWAY_ROUTE_TYPES, { code: 'GR-1', noun: 'gateway route', hint: '(gateways do not route TCP)' }, report);
  if (!route) return;
  const pointer = joinPointer('/spec', route.type);
  const match = asObject(route.body.match);
  const matchAt = joinPointer(pointer, 'match');
  const rewrite = objectAt(route.body, 'action', 'rewrite');
  const rewriteAt = joinPointer(pointer, 'action', 'rewrite');
  if (match) checkHostname(match, matchAt, report);
  if (route.type === 'grpcRoute') {
    if (match) checkGrpcMatch(match, matchAt, report);
    for (const member of Object.keys(rewrite ?? {})) {
      if (member !== 'hostname') {
        report(joinPointer(rewriteAt, member), 'GR-9', 'error', `gRPC gateway routes can only rewrite "hostname"; remove rewrite.${member}.`);
      }
    }
    return;
  }
  if (match) checkHttpMatch(match, matchAt, report);
  if (rewrite) checkHttpRewrite(rewrite, rewriteAt, match, report);
}

/** GR-3: hostname matches exactly one of exact / suffix. */
function checkHostname(match: Obj, pointer: string, report: Report): void {
  const hostname = asObject(match.hostname);
  if (hostname && presentMembers(hostname, ['exact', 'suffix']).length !== 1) {
    report(joinPointer(pointer, 'hostname'), 'GR-3', 'error',
      'hostname match needs exactly one of "exact" (e.g. api.example.com) or "suffix" (e.g. .example.com).');
  }
}

function checkGrpcMatch(match: Obj, pointer: string, report: Report): void {
  const serviceName = asString(match.serviceName);
  if (serviceName === undefined && match.hostname === undefined) {
    // App Mesh accepted it (only its Kubernetes controller refuses it): the route takes every gRPC request on its listener.
    report(pointer, 'GR-5', 'warning', 'this gRPC gateway route matches neither "serviceName" nor "hostname", so it takes every gRPC request on its listener; add e.g. "serviceName: orders.v1.OrderService" to route only that service.');
  }
  if (serviceName !== undefined && RESERVED_GRPC_SERVICES.some((reserved) => serviceName.toLowerCase().startsWith(reserved))) {
    report(joinPointer(pointer, 'serviceName'), 'GR-5', 'error',
      `service names starting with ${RESERVED_GRPC_SERVICES.join(' or ')} are reserved by App Mesh; use your own package name.`);
  }
  checkHeaderMatches(match.metadata, joinPointer(pointer, 'metadata'), report);
}

function checkHttpMatch(match: Obj, pointer: string, report: Report): void {
  const kinds = presentMembers(match, ['prefix', 'path']);
  if (kinds.length === 2) {
    report(pointer, 'GR-2', 'error', '"prefix" and "path" exclude each other; keep one.');
  } else if (kinds.length === 0 && match.hostname === undefined) {
    report(pointer, 'GR-2', 'error', 'an HTTP gateway route must match on at least one of "prefix", "path" or "hostname"; use "prefix: /" to match every path.');
  }
  const prefix = asString(match.prefix);
  if (prefix !== undefined) {
    const at = joinPointer(pointer, 'prefix');
    if (!prefix.startsWith('/')) {
      report(at, 'GR-4', 'error', `prefix "${prefix}" must start with "/"; write "/${prefix}".`);
    } else if (RESERVED_PREFIXES.some((reserved) => prefix.toLowerCase().startsWith(reserved))) {
      report(at, 'GR-4', 'error', `prefixes starting with ${RESERVED_PREFIXES.join(' or ')} are reserved by App Mesh; choose another prefix.`);
    }
  }
  checkHttpMatchConditions(match, pointer, 'GR-6', report);
}

/** GR-7 / GR-8: which rewrites fit which match. */
function checkHttpRewrite(rewrite: Obj, pointer: string, match: Obj | undefined, report: Report): void {
  const members = presentMembers(rewrite, ['hostname', 'prefix', 'path']);
  if (members.length === 0) {
    report(pointer, 'GR-7', 'error', 'empty "rewrite"; give hostname, prefix or path, or remove rewrite to keep the default rewrites.');
  }
  if (rewrite.prefix !== undefined && rewrite.path !== undefined) {
    report(joinPointer(pointer, 'path'), 'GR-7', 'error', 'rewrite.prefix and rewrite.path exclude each other; keep the one that fits the match (prefix for "match.prefix", path for "match.path").');
  } else if (rewrite.prefix !== undefined && match?.prefix === undefined) {
    report(joinPointer(pointer, 'prefix'), 'GR-7', 'error', 'rewrite.prefix needs a "match.prefix"; with a path match use rewrite.path.');
  } else if (rewrite.path !== undefined && match?.path === undefined) {
    report(joinPointer(pointer, 'path'), 'GR-7', 'error', 'rewrite.path needs a "match.path"; with a prefix match use rewrite.prefix.');
  }
  const prefix = asObject(rewrite.prefix);
  if (!prefix) return;
  const prefixAt = joinPointer(pointer, 'prefix');
  if (presentMembers(prefix, ['defaultPrefix', 'value']).length !== 1) {
    report(prefixAt, 'GR-8', 'error', 'rewrite.prefix needs exactly one of "defaultPrefix" (ENABLED/DISABLED) or "value" (the replacement prefix).');
  }
  const value = asString(prefix.value);
  if (value !== undefined && !(value.startsWith('/') && value.endsWith('/'))) {
    const fixed = `/${value.replace(/^\/+|\/+$/g, '')}/`.replace('//', '/');
    report(joinPointer(prefixAt, 'value'), 'GR-8', 'error', `rewrite.prefix.value "${value}" must start and end with "/"; write "${fixed}".`);
  }
}
