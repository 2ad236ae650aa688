// GatewayRoute → aws_appmesh_gateway_route. Terraform's gRPC gateway route has no hostname or
// metadata match and no rewrite, and its HTTP match has no method: those members stay unread
// and are reported by the caller.
import type { AppmeshGatewayRouteConfig, AppmeshGatewayRouteSpecHttpRoute } from '@cdktf/provider-aws/lib/appmesh-gateway-route';
import { SpecReader } from '../spec-reader';
import { headerMatch, pathMatch, queryParameter, tags } from './common';

export function gatewayRouteConfig(doc: SpecReader): AppmeshGatewayRouteConfig {
  return {
    meshName: doc.str('meshName')!,
    meshOwner: doc.str('meshOwner'),
    virtualGatewayName: doc.str('virtualGatewayName')!,
    name: doc.str('gatewayRouteName')!,
    spec: doc.object('spec', (spec) => ({
      priority: spec.num('priority'),
      httpRoute: spec.object('httpRoute', httpRoute),
      http2Route: spec.object('http2Route', httpRoute),
      grpcRoute: spec.object('grpcRoute', (g) => ({
        action: g.object('action', (a) => ({ target: a.object('target', target)! }))!,
        match: g.object('match', (m) => ({ serviceName: m.str('serviceName')!, port: m.num('port') }))!,
      })),
    }))!,
    tags: tags(doc),
  };
}

function httpRoute(r: SpecReader): AppmeshGatewayRouteSpecHttpRoute {
  return {
    action: r.object('action', (a) => ({
      target: a.object('target', target)!,
      rewrite: a.object('rewrite', (rw) => ({
        hostname: rw.object('hostname', (h) => ({ defaultTargetHostname: h.str('defaultTargetHostname')! })),
        path: rw.object('path', (p) => ({ exact: p.str('exact')! })),
        prefix: rw.object('prefix', (p) => ({ defaultPrefix: p.str('defaultPrefix'), value: p.str('value') })),
      })),
    }))!,
    match: r.object('match', (m) => ({
      prefix: m.str('prefix'),
      path: m.object('path', pathMatch),
      queryParameter: m.list('queryParameters', queryParameter),
      header: m.list('headers', headerMatch),
      hostname: m.object('hostname', (h) => ({ exact: h.str('exact'), suffix: h.str('suffix') })),
      port: m.num('port'),
    }))!,
  };
}

function target(t: SpecReader) {
  return {
    virtualService: t.object('virtualService', (vs) => ({ virtualServiceName: vs.str('virtualServiceName')! }))!,
    port: t.num('port'),
  };
}
