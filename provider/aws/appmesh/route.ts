// Route → aws_appmesh_route. API plurals become Terraform's singular blocks
// (`weightedTargets` → `weighted_target`, `headers` → `header`, `queryParameters` → `query_parameter`).
import type { AppmeshRouteConfig, AppmeshRouteSpecHttpRoute } from '@cdktf/provider-aws/lib/appmesh-route';
import { SpecReader } from '../spec-reader';
import { duration, headerMatch, pathMatch, queryParameter, tags, timeout } from './common';

export function routeConfig(doc: SpecReader): AppmeshRouteConfig {
  return {
    meshName: doc.str('meshName')!,
    meshOwner: doc.str('meshOwner'),
    virtualRouterName: doc.str('virtualRouterName')!,
    name: doc.str('routeName')!,
    spec: doc.object('spec', (spec) => ({
      priority: spec.num('priority'),
      httpRoute: spec.object('httpRoute', httpRoute),
      http2Route: spec.object('http2Route', httpRoute),
      grpcRoute: spec.object('grpcRoute', (g) => ({
        action: g.object('action', action)!,
        match: g.object('match', (m) => ({
          methodName: m.str('methodName'),
          serviceName: m.str('serviceName'),
          port: m.num('port'),
          metadata: m.list('metadata', headerMatch),
        })),
        retryPolicy: g.object('retryPolicy', retryPolicy),
        timeout: g.object('timeout', timeout),
      })),
      tcpRoute: spec.object('tcpRoute', (t) => ({
        action: t.object('action', action)!,
        match: t.object('match', (m) => ({ port: m.num('port') })),
        timeout: t.object('timeout', (tm) => ({ idle: tm.object('idle', duration) })),
      })),
    })) ?? {},
    tags: tags(doc),
  };
}

function httpRoute(r: SpecReader): AppmeshRouteSpecHttpRoute {
  return {
    action: r.object('action', action)!,
    match: r.object('match', (m) => ({
      prefix: m.str('prefix'),
      path: m.object('path', pathMatch),
      queryParameter: m.list('queryParameters', queryParameter),
      header: m.list('headers', headerMatch),
      method: m.str('method'),
      scheme: m.str('scheme'),
      port: m.num('port'),
    }))!,
    retryPolicy: r.object('retryPolicy', retryPolicy),
    timeout: r.object('timeout', timeout),
  };
}

function action(a: SpecReader) {
  return {
    weightedTarget: a.list('weightedTargets', (t) => ({ virtualNode: t.str('virtualNode')!, weight: t.num('weight')!, port: t.num('port') }))!,
  };
}

function retryPolicy(r: SpecReader) {
  return {
    maxRetries: r.num('maxRetries')!,
    perRetryTimeout: r.object('perRetryTimeout', duration)!,
    grpcRetryEvents: r.scalars<string>('grpcRetryEvents'),
    httpRetryEvents: r.scalars<string>('httpRetryEvents'),
    tcpRetryEvents: r.scalars<string>('tcpRetryEvents'),
  };
}
