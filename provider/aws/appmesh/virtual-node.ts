// VirtualNode → aws_appmesh_virtual_node. Terraform names list blocks in the singular
// (`listener`, `backend`) and wants Cloud Map attributes as a map; awsCloudMap.ipPreference has
// no Terraform attribute and is left for the caller to report.
import type {
  AppmeshVirtualNodeConfig,
  AppmeshVirtualNodeSpecListener,
  AppmeshVirtualNodeSpecServiceDiscovery,
} from '@cdktf/provider-aws/lib/appmesh-virtual-node';
import { SpecReader } from '../spec-reader';
import { clientPolicy, duration, healthCheck, listenerTls, logging, portMapping, tags, timeout } from './common';

export function virtualNodeConfig(doc: SpecReader): AppmeshVirtualNodeConfig {
  return {
    meshName: doc.str('meshName')!,
    meshOwner: doc.str('meshOwner'),
    name: doc.str('virtualNodeName')!,
    spec: doc.object('spec', (spec) => ({
      backend: spec.list('backends', (b) => ({
        virtualService: b.object('virtualService', (vs) => ({
          virtualServiceName: vs.str('virtualServiceName')!,
          clientPolicy: vs.object('clientPolicy', clientPolicy),
        }))!,
      })),
      backendDefaults: spec.object('backendDefaults', (d) => ({ clientPolicy: d.object('clientPolicy', clientPolicy) })),
      listener: spec.list('listeners', listener),
      logging: spec.object('logging', logging),
      serviceDiscovery: spec.object('serviceDiscovery', serviceDiscovery),
    })) ?? {},
    tags: tags(doc),
  };
}

function listener(l: SpecReader): AppmeshVirtualNodeSpecListener {
  return {
    portMapping: l.object('portMapping', portMapping)!,
    connectionPool: l.object('connectionPool', (pool) => ({
      grpc: pool.object('grpc', (p) => ({ maxRequests: p.num('maxRequests')! })),
      http: asList(pool.object('http', (p) => ({ maxConnections: p.num('maxConnections')!, maxPendingRequests: p.num('maxPendingRequests') }))),
      http2: asList(pool.object('http2', (p) => ({ maxRequests: p.num('maxRequests')! }))),
      tcp: asList(pool.object('tcp', (p) => ({ maxConnections: p.num('maxConnections')! }))),
    })),
    healthCheck: l.object('healthCheck', healthCheck),
    outlierDetection: l.object('outlierDetection', (o) => ({
      baseEjectionDuration: o.object('baseEjectionDuration', duration)!,
      interval: o.object('interval', duration)!,
      maxEjectionPercent: o.num('maxEjectionPercent')!,
      maxServerErrors: o.num('maxServerErrors')!,
    })),
    timeout: l.object('timeout', (t) => ({
      grpc: t.object('grpc', timeout),
      http: t.object('http', timeout),
      http2: t.object('http2', timeout),
      tcp: t.object('tcp', (tcp) => ({ idle: tcp.object('idle', duration) })),
    })),
    tls: l.object('tls', listenerTls),
  };
}

function serviceDiscovery(sd: SpecReader): AppmeshVirtualNodeSpecServiceDiscovery {
  return {
    awsCloudMap: sd.object('awsCloudMap', (m) => {
      const attributes = m.list('attributes', (a) => [a.str('key')!, a.str('value')!] as const);
      return {
        namespaceName: m.str('namespaceName')!,
        serviceName: m.str('serviceName')!,
        attributes: attributes ? Object.fromEntries(attributes) : undefined,
      };
    }),
    dns: sd.object('dns', (d) => ({ hostname: d.str('hostname')!, ipPreference: d.str('ipPreference'), responseType: d.str('responseType') })),
  };
}

/** The provider types some single blocks as one-element lists. */
function asList<T>(value: T | undefined): T[] | undefined {
  return value === undefined ? undefined : [value];
}
