// VirtualGateway → aws_appmesh_virtual_gateway.
import type { AppmeshVirtualGatewayConfig, AppmeshVirtualGatewaySpecListener } from '@cdktf/provider-aws/lib/appmesh-virtual-gateway';
import { SpecReader } from '../spec-reader';
import { clientPolicy, healthCheck, listenerTls, logging, portMapping, tags } from './common';

export function virtualGatewayConfig(doc: SpecReader): AppmeshVirtualGatewayConfig {
  return {
    meshName: doc.str('meshName')!,
    meshOwner: doc.str('meshOwner'),
    name: doc.str('virtualGatewayName')!,
    spec: doc.object('spec', (spec) => ({
      backendDefaults: spec.object('backendDefaults', (d) => ({ clientPolicy: d.object('clientPolicy', clientPolicy) })),
      listener: spec.list('listeners', listener)!,
      logging: spec.object('logging', logging),
    }))!,
    tags: tags(doc),
  };
}

function listener(l: SpecReader): AppmeshVirtualGatewaySpecListener {
  return {
    portMapping: l.object('portMapping', portMapping)!,
    connectionPool: l.object('connectionPool', (pool) => ({
      grpc: pool.object('grpc', (p) => ({ maxRequests: p.num('maxRequests')! })),
      http: pool.object('http', (p) => ({ maxConnections: p.num('maxConnections')!, maxPendingRequests: p.num('maxPendingRequests') })),
      http2: pool.object('http2', (p) => ({ maxRequests: p.num('maxRequests')! })),
    })),
    healthCheck: l.object('healthCheck', healthCheck),
    tls: l.object('tls', listenerTls),
  };
}
