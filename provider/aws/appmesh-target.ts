// The `appmesh` target: every document becomes its aws_appmesh_* resource 1:1. Members the
// Terraform schema cannot express are reported (TF-1), never dropped silently.
import { Construct } from 'constructs';
import { ITerraformDependable, TerraformResource } from 'cdktf';
import { AppmeshGatewayRoute } from '@cdktf/provider-aws/lib/appmesh-gateway-route';
import { AppmeshMesh } from '@cdktf/provider-aws/lib/appmesh-mesh';
import { AppmeshRoute } from '@cdktf/provider-aws/lib/appmesh-route';
import { AppmeshVirtualGateway } from '@cdktf/provider-aws/lib/appmesh-virtual-gateway';
import { AppmeshVirtualNode } from '@cdktf/provider-aws/lib/appmesh-virtual-node';
import { AppmeshVirtualRouter } from '@cdktf/provider-aws/lib/appmesh-virtual-router';
import { AppmeshVirtualService } from '@cdktf/provider-aws/lib/appmesh-virtual-service';
import { Diagnostic } from '../model/diagnostic';
import { describeIdentity, identityKey } from '../model/identity';
import { Kind } from '../model/kinds';
import { Resource } from '../model/resource';
import { gatewayRouteConfig } from './appmesh/gateway-route';
import { meshConfig } from './appmesh/mesh';
import { routeConfig } from './appmesh/route';
import { virtualGatewayConfig } from './appmesh/virtual-gateway';
import { virtualNodeConfig } from './appmesh/virtual-node';
import { virtualRouterConfig } from './appmesh/virtual-router';
import { virtualServiceConfig } from './appmesh/virtual-service';
import { LogicalNames } from './logical-names';
import { SpecReader } from './spec-reader';

interface KindTarget {
  resourceType: string;
  create(scope: Construct, id: string, doc: SpecReader, dependsOn: ITerraformDependable[] | undefined): TerraformResource;
}

const TARGETS: Record<Kind, KindTarget> = {
  Mesh: { resourceType: AppmeshMesh.tfResourceType, create: (s, id, doc, dependsOn) => new AppmeshMesh(s, id, { ...meshConfig(doc), dependsOn }) },
  VirtualNode: {
    resourceType: AppmeshVirtualNode.tfResourceType,
    create: (s, id, doc, dependsOn) => new AppmeshVirtualNode(s, id, { ...virtualNodeConfig(doc), dependsOn }),
  },
  VirtualRouter: {
    resourceType: AppmeshVirtualRouter.tfResourceType,
    create: (s, id, doc, dependsOn) => new AppmeshVirtualRouter(s, id, { ...virtualRouterConfig(doc), dependsOn }),
  },
  Route: { resourceType: AppmeshRoute.tfResourceType, create: (s, id, doc, dependsOn) => new AppmeshRoute(s, id, { ...routeConfig(doc), dependsOn }) },
  VirtualService: {
    resourceType: AppmeshVirtualService.tfResourceType,
    create: (s, id, doc, dependsOn) => new AppmeshVirtualService(s, id, { ...virtualServiceConfig(doc), dependsOn }),
  },
  VirtualGateway: {
    resourceType: AppmeshVirtualGateway.tfResourceType,
    create: (s, id, doc, dependsOn) => new AppmeshVirtualGateway(s, id, { ...virtualGatewayConfig(doc), dependsOn }),
  },
  GatewayRoute: {
    resourceType: AppmeshGatewayRoute.tfResourceType,
    create: (s, id, doc, dependsOn) => new AppmeshGatewayRoute(s, id, { ...gatewayRouteConfig(doc), dependsOn }),
  },
};

/** Creation order: each kind after the kinds it references, so `depends_on` only points backwards. */
const CREATION_ORDER: Kind[] = ['Mesh', 'VirtualNode', 'VirtualRouter', 'Route', 'VirtualService', 'VirtualGateway', 'GatewayRoute'];

/** Members the hashicorp/aws schema has no attribute for, with what is missing. */
const TERRAFORM_GAPS: Array<{ kind: Kind; pointer: RegExp; missing: string }> = [
  { kind: 'VirtualNode', pointer: /^\/spec\/serviceDiscovery\/awsCloudMap\/ipPreference$/, missing: 'aws_cloud_map has no ip_preference attribute' },
  { kind: 'GatewayRoute', pointer: /^\/spec\/grpcRoute\/match\/hostname$/, missing: 'the grpc_route match block has no hostname' },
  { kind: 'GatewayRoute', pointer: /^\/spec\/grpcRoute\/match\/metadata$/, missing: 'the grpc_route match block has no metadata' },
  { kind: 'GatewayRoute', pointer: /^\/spec\/grpcRoute\/action\/rewrite$/, missing: 'the grpc_route action block has no rewrite' },
  { kind: 'GatewayRoute', pointer: /^\/spec\/http2?Route\/match\/method$/, missing: 'the http_route/http2_route match block has no method' },
];

/** Document members that are not part of the resource (handled by the loader). */
const NOT_MAPPED = ['kind', 'clientToken'];

export interface AppMeshTargetResult {
  /** Synthesized resources by identity key. */
  byKey: Map<string, TerraformResource>;
  diagnostics: Diagnostic[];
}

/**
 * Adds the aws_appmesh_* resources of `resources` to `scope`. `extraDependencies` lets the
 * discovery target make a virtual node wait for the Cloud Map service it registers in.
 */
export function addAppMeshTarget(
  scope: Construct,
  resources: readonly Resource[],
  names: LogicalNames,
  extraDependencies: (resource: Resource) => ITerraformDependable[] = () => [],
): AppMeshTargetResult {
  const byKey = new Map<string, TerraformResource>();
  const diagnostics: Diagnostic[] = [];
  const ordered = [...resources].sort(
    (a, b) => CREATION_ORDER.indexOf(a.kind) - CREATION_ORDER.indexOf(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  for (const resource of ordered) {
    const target = TARGETS[resource.kind];
    const reader = SpecReader.of(resource.doc as Record<string, unknown>);
    reader.skip(...NOT_MAPPED);
    const dependsOn = [...references(resource).flatMap((key) => byKey.get(key) ?? []), ...extraDependencies(resource)];
    const id = resource.key.replace(/\//g, '|');
    const construct = target.create(scope, id, reader, dependsOn.length > 0 ? dependsOn : undefined);
    const { meshName, parentName, name } = resource.identity;
    construct.overrideLogicalId(names.allocate(target.resourceType, resource.kind === 'Mesh' ? [meshName] : [meshName, ...(parentName ? [parentName] : []), name]));
    byKey.set(resource.key, construct);
    diagnostics.push(...unexpressed(resource, target.resourceType, reader.unmapped()), ...terraformRequirements(resource));
  }
  return { byKey, diagnostics };
}

/** Identity keys of the resources that must exist before this one (App Mesh checks references on create). */
function references(resource: Resource): string[] {
  const { meshName, parentName } = resource.identity;
  const spec = (resource.doc.spec ?? {}) as Record<string, any>;
  const key = (kind: Kind, name: string, parent?: string) => identityKey({ kind, meshName, name, parentName: parent });
  const refs = resource.kind === 'Mesh' ? [] : [key('Mesh', meshName)];
  if (resource.kind === 'Route') {
    refs.push(key('VirtualRouter', parentName!));
    for (const protocol of ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute']) {
      for (const t of spec[protocol]?.action?.weightedTargets ?? []) if (typeof t?.virtualNode === 'string') refs.push(key('VirtualNode', t.virtualNode));
    }
  } else if (resource.kind === 'VirtualService') {
    const provider = spec.provider ?? {};
    if (typeof provider.virtualNode?.virtualNodeName === 'string') refs.push(key('VirtualNode', provider.virtualNode.virtualNodeName));
    if (typeof provider.virtualRouter?.virtualRouterName === 'string') refs.push(key('VirtualRouter', provider.virtualRouter.virtualRouterName));
  } else if (resource.kind === 'GatewayRoute') {
    refs.push(key('VirtualGateway', parentName!));
    for (const protocol of ['httpRoute', 'http2Route', 'grpcRoute']) {
      const name = spec[protocol]?.action?.target?.virtualService?.virtualServiceName;
      if (typeof name === 'string') refs.push(key('VirtualService', name));
    }
  }
  return [...new Set(refs)];
}

function unexpressed(resource: Resource, resourceType: string, pointers: string[]): Diagnostic[] {
  return pointers.map((pointer) => {
    const gap = TERRAFORM_GAPS.find((g) => g.kind === resource.kind && g.pointer.test(pointer));
    const why = gap ? gap.missing : `the Terraform schema of ${resourceType} has no block for it`;
    return {
      code: 'TF-1',
      severity: 'warning',
      message:
        `${describeIdentity(resource.identity)}: ${pointer} cannot be expressed in ${resourceType} (${why}), so the synthesized ` +
        `Terraform leaves it out; meshplane's own xDS serving still applies it. Remove it from the document, or manage this resource outside Terraform.`,
      file: resource.source.file,
      ...resource.source.locate(pointer),
      pointer,
    };
  });
}

/** Members optional in the API that the Terraform schema requires. */
function terraformRequirements(resource: Resource): Diagnostic[] {
  const grpcMatch = (resource.doc.spec as Record<string, any> | undefined)?.grpcRoute?.match;
  if (resource.kind !== 'GatewayRoute' || grpcMatch === undefined || typeof grpcMatch.serviceName === 'string') return [];
  const pointer = '/spec/grpcRoute/match';
  return [
    {
      code: 'TF-2',
      severity: 'error',
      message:
        `${describeIdentity(resource.identity)}: aws_appmesh_gateway_route requires grpc_route.match.service_name, which the App Mesh API leaves optional. ` +
        'Add serviceName to the match (the fully-qualified gRPC service, e.g. "helloworld.Greeter").',
      file: resource.source.file,
      ...resource.source.locate(pointer),
      pointer,
    },
  ];
}
