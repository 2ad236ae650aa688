// The `discovery` target: the AWS infrastructure a self-hosted mesh needs so that names resolve.
// - Cloud Map private DNS namespaces and services for every `awsCloudMap` discovery in use.
// - Route 53 records in the private zone for every virtual service name: an application must
//   resolve a virtual service's name before Envoy can intercept the connection (App Mesh
//   troubleshooting guide), and any address works because the proxy reroutes the traffic.
import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { ServiceDiscoveryPrivateDnsNamespace } from '@cdktf/provider-aws/lib/service-discovery-private-dns-namespace';
import { ServiceDiscoveryService } from '@cdktf/provider-aws/lib/service-discovery-service';
import { Diagnostic } from '../model/diagnostic';
import { describeIdentity } from '../model/identity';
import { Resource } from '../model/resource';
import { LogicalNames } from './logical-names';
import { AwsStackSettings, SettingsSource } from './stack-settings';

/** TTL of Cloud Map DNS records: short, because instances come and go. */
const CLOUD_MAP_RECORD_TTL = 10;

export interface DiscoveryTargetResult {
  /** Cloud Map service a virtual node registers in, by identity key of the node. */
  cloudMapServiceOf: Map<string, ITerraformDependable>;
  diagnostics: Diagnostic[];
}

interface CloudMapUse {
  namespaceName: string;
  serviceName: string;
  node: Resource;
}

export function addDiscoveryTarget(
  scope: Construct,
  resources: readonly Resource[],
  settings: AwsStackSettings,
  settingsSource: SettingsSource,
  names: LogicalNames,
): DiscoveryTargetResult {
  const diagnostics: Diagnostic[] = [];
  const settingProblem = (pointer: string, severity: Diagnostic['severity'], code: string, message: string) =>
    diagnostics.push({ code, severity, message, file: settingsSource.file, ...settingsSource.locate(pointer), pointer });
  const sorted = [...resources].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  // Cloud Map: one namespace per namespaceName, one service per (namespace, serviceName).
  const uses = sorted.flatMap(cloudMapUse);
  const namespaces = new Map<string, ServiceDiscoveryPrivateDnsNamespace>();
  const services = new Map<string, ServiceDiscoveryService>();
  const cloudMapServiceOf = new Map<string, ITerraformDependable>();
  if (uses.length > 0 && !settings.vpcId) {
    settingProblem(
      '/terraform',
      'error',
      'TF-DNS-1',
      `${describeIdentity(uses[0].node.identity)} uses awsCloudMap discovery, and a Cloud Map private DNS namespace must be attached to a VPC. ` +
        'Set terraform.vpcId in environment.yaml (e.g. vpcId: vpc-0123456789abcdef0).',
    );
  }
  for (const use of uses) {
    let namespace = namespaces.get(use.namespaceName);
    if (!namespace) {
      namespace = new ServiceDiscoveryPrivateDnsNamespace(scope, `cloud-map|${use.namespaceName}`, {
        name: use.namespaceName,
        vpc: settings.vpcId ?? '',
        description: `Cloud Map namespace for the mesh services of ${use.namespaceName} (managed by meshplane)`,
      });
      namespace.overrideLogicalId(names.allocate(ServiceDiscoveryPrivateDnsNamespace.tfResourceType, [use.namespaceName]));
      namespaces.set(use.namespaceName, namespace);
    }
    const serviceKey = `${use.serviceName}.${use.namespaceName}`;
    let service = services.get(serviceKey);
    if (!service) {
      service = new ServiceDiscoveryService(scope, `cloud-map|${serviceKey}`, {
        name: use.serviceName,
        namespaceId: namespace.id,
        dnsConfig: { namespaceId: namespace.id, routingPolicy: 'MULTIVALUE', dnsRecords: [{ type: 'A', ttl: CLOUD_MAP_RECORD_TTL }] },
      });
      service.overrideLogicalId(names.allocate(ServiceDiscoveryService.tfResourceType, [use.namespaceName, use.serviceName]));
      services.set(serviceKey, service);
    }
    cloudMapServiceOf.set(use.node.key, service);
  }

  // Route 53: records for virtual service names, in the private zone.
  const virtualServices = sorted.filter((r) => r.kind === 'VirtualService');
  const zoneName = settings.privateZone?.replace(/\.$/, '');
  if (!zoneName) {
    if (virtualServices.length > 0) {
      settingProblem(
        '/terraform',
        'warning',
        'TF-DNS-2',
        `no terraform.privateZone is set, so the ${virtualServices.length} virtual service name(s) get no Route 53 records and applications cannot resolve them ` +
          'before Envoy intercepts. Set terraform.privateZone (e.g. privateZone: apps.local) and terraform.vpcId.',
      );
    }
    return { cloudMapServiceOf, diagnostics };
  }
  if (!settings.vpcId) {
    settingProblem('/terraform/privateZone', 'error', 'TF-DNS-1', `the private zone ${zoneName} must be attached to a VPC. Set terraform.vpcId in environment.yaml.`);
  }
  // A Cloud Map private DNS namespace is itself a private hosted zone; a second zone of the same
  // name in the same VPC would conflict, so records go into the namespace's zone then.
  const sharedNamespace = namespaces.get(zoneName);
  let zoneId: string;
  if (sharedNamespace) {
    zoneId = sharedNamespace.hostedZone;
  } else {
    const zone = new Route53Zone(scope, `zone|${zoneName}`, {
      name: zoneName,
      vpc: [{ vpcId: settings.vpcId ?? '' }],
      comment: 'Virtual service names of the mesh (managed by meshplane)',
    });
    zone.overrideLogicalId(names.allocate(Route53Zone.tfResourceType, [zoneName]));
    zoneId = zone.zoneId;
  }
  const resolvedElsewhere = workloadNames(sorted);
  const recorded = new Set<string>();
  for (const service of virtualServices) {
    const name = service.identity.name.replace(/\.$/, '').toLowerCase();
    const at = { file: service.source.file, ...service.source.locate('/virtualServiceName'), pointer: '/virtualServiceName' };
    if (name !== zoneName && !name.endsWith(`.${zoneName}`)) {
      diagnostics.push({
        code: 'TF-DNS-3',
        severity: 'warning',
        message:
          `${describeIdentity(service.identity)}: ${name} is outside the private zone ${zoneName}, so no record is synthesized and applications ` +
          `cannot resolve it unless other DNS serves it. Rename the virtual service into ${zoneName}, or add a record for it elsewhere.`,
        ...at,
      });
      continue;
    }
    const owner = resolvedElsewhere.get(name);
    if (owner) {
      diagnostics.push({
        code: 'TF-DNS-4',
        severity: 'info',
        message:
          `${describeIdentity(service.identity)}: ${name} is also the discovery name of ${owner}, which must resolve to its real ` +
          'endpoints, so no placeholder record is synthesized for it.',
        ...at,
      });
      continue;
    }
    if (recorded.has(name)) continue; // the same name in two meshes needs one record
    recorded.add(name);
    const record = new Route53Record(scope, `record|${name}`, {
      zoneId,
      name,
      type: 'A',
      ttl: settings.recordTtl,
      records: [settings.serviceAddress],
    });
    record.overrideLogicalId(names.allocate(Route53Record.tfResourceType, [name]));
  }
  return { cloudMapServiceOf, diagnostics };
}

function cloudMapUse(resource: Resource): CloudMapUse[] {
  if (resource.kind !== 'VirtualNode') return [];
  const map = (resource.doc.spec as Record<string, any> | undefined)?.serviceDiscovery?.awsCloudMap;
  if (typeof map?.namespaceName !== 'string' || typeof map?.serviceName !== 'string') return [];
  return [{ namespaceName: map.namespaceName, serviceName: map.serviceName, node: resource }];
}

/** Names that resolve to workloads (DNS hostnames and Cloud Map service names of virtual nodes). */
function workloadNames(resources: readonly Resource[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const resource of resources) {
    if (resource.kind !== 'VirtualNode') continue;
    const discovery = (resource.doc.spec as Record<string, any> | undefined)?.serviceDiscovery;
    const hostname = discovery?.dns?.hostname;
    if (typeof hostname === 'string') names.set(hostname.replace(/\.$/, '').toLowerCase(), describeIdentity(resource.identity));
    for (const use of cloudMapUse(resource)) names.set(`${use.serviceName}.${use.namespaceName}`.toLowerCase(), describeIdentity(resource.identity));
  }
  return names;
}
