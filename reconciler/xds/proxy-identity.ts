// node.id → proxy identity, in the forms App Mesh accepts for APPMESH_RESOURCE_ARN (envoy-mapping §2).
import { ProxyIdentity } from '../../provider/envoy/snapshot';
import { xdsErrors } from './errors';

export interface ParsedNodeId {
  proxy: ProxyIdentity;
  /** Present when node.id was a full ARN. */
  arn?: { partition: string; service: string; region: string; account: string };
}

const KINDS: Record<string, ProxyIdentity['kind']> = { virtualNode: 'VirtualNode', virtualGateway: 'VirtualGateway' };
const ARN = /^arn:([a-z0-9-]+):(appmesh|appmesh-preview):([a-z0-9-]+):(\d{12}):(.*)$/;

/** Parses `arn:aws:appmesh:<region>:<account>:mesh/<m>/virtualNode/<n>` or `mesh/<m>/virtualNode/<n>`; throws XdsStreamError. */
export function parseNodeId(nodeId: string): ParsedNodeId {
  let resourcePath = nodeId;
  let arn: ParsedNodeId['arn'];
  if (nodeId.startsWith('arn:')) {
    const match = ARN.exec(nodeId);
    if (!match) throw xdsErrors.malformedNodeId(nodeId, 'it starts with arn: but is not an App Mesh ARN');
    arn = { partition: match[1], service: match[2], region: match[3], account: match[4] };
    resourcePath = match[5];
  }
  const parts = resourcePath.split('/');
  if (parts.length !== 4 || parts[0] !== 'mesh') {
    throw xdsErrors.malformedNodeId(nodeId, 'expected mesh/<mesh>/virtualNode/<name> or mesh/<mesh>/virtualGateway/<name>');
  }
  const kind = KINDS[parts[2]];
  if (!kind) throw xdsErrors.malformedNodeId(nodeId, `"${parts[2]}" is not virtualNode or virtualGateway (only those run proxies)`);
  if (!parts[1] || !parts[3]) throw xdsErrors.malformedNodeId(nodeId, 'the mesh name and the resource name must not be empty');
  return { proxy: { kind, meshName: parts[1], name: parts[3] }, arn };
}

/** `mesh/apps/virtualNode/serviceA`: the short form, as users write it in bootstraps and settings. */
export function shortNodeId(proxy: ProxyIdentity): string {
  return `mesh/${proxy.meshName}/${proxy.kind === 'VirtualNode' ? 'virtualNode' : 'virtualGateway'}/${proxy.name}`;
}

export function describeProxy(proxy: ProxyIdentity): string {
  return `${proxy.kind} ${proxy.name} (mesh ${proxy.meshName})`;
}
