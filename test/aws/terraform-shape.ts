// The expected Terraform shape of an App Mesh document, written from the hashicorp/aws schema
// (snake_case attributes, singular block names, maps for tags and Cloud Map attributes), so
// synth output can be checked field by field with cdktf's toHaveResourceWithProperties.
import { joinPointer } from '../../provider/model/diagnostic';
import { Kind, KIND_INFO } from '../../provider/model/kinds';

/** API list members whose Terraform block has a singular name. */
const BLOCK_NAMES: Record<string, string> = {
  listeners: 'listener',
  backends: 'backend',
  weightedTargets: 'weighted_target',
  headers: 'header',
  queryParameters: 'query_parameter',
};

/** Members the Terraform schema cannot express (synth reports them as TF-1). */
export const TERRAFORM_GAPS: Record<Kind, RegExp[]> = {
  Mesh: [],
  VirtualService: [],
  VirtualRouter: [],
  Route: [],
  VirtualNode: [/^\/spec\/serviceDiscovery\/awsCloudMap\/ipPreference$/],
  VirtualGateway: [],
  GatewayRoute: [
    /^\/spec\/grpcRoute\/match\/hostname$/,
    /^\/spec\/grpcRoute\/match\/metadata$/,
    /^\/spec\/grpcRoute\/action\/rewrite$/,
    /^\/spec\/http2?Route\/match\/method$/,
  ],
};

export const RESOURCE_TYPES: Record<Kind, string> = {
  Mesh: 'aws_appmesh_mesh',
  VirtualService: 'aws_appmesh_virtual_service',
  VirtualNode: 'aws_appmesh_virtual_node',
  VirtualRouter: 'aws_appmesh_virtual_router',
  Route: 'aws_appmesh_route',
  VirtualGateway: 'aws_appmesh_virtual_gateway',
  GatewayRoute: 'aws_appmesh_gateway_route',
};

const snake = (key: string) => key.replace(/([A-Z])/g, '_$1').toLowerCase();

/** Pointers of the gap members present in `doc`. */
export function gapPointers(kind: Kind, doc: Record<string, unknown>): string[] {
  const found: string[] = [];
  const walk = (value: unknown, pointer: string) => {
    if (TERRAFORM_GAPS[kind].some((gap) => gap.test(pointer))) return void found.push(pointer);
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, joinPointer(pointer, i)));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, joinPointer(pointer, k));
  };
  walk(doc.spec, '/spec');
  return found;
}

export function terraformShape(kind: Kind, doc: Record<string, any>): Record<string, unknown> {
  const info = KIND_INFO[kind];
  const shape: Record<string, unknown> = { name: doc[info.nameKey] };
  if (kind !== 'Mesh') shape.mesh_name = doc.meshName;
  if (info.parentKind) shape[snake(info.identityKeys[1])] = doc[info.identityKeys[1]];
  if (doc.meshOwner !== undefined) shape.mesh_owner = doc.meshOwner;
  if (doc.tags !== undefined) shape.tags = Object.fromEntries(doc.tags.map((t: { key: string; value?: string }) => [t.key, t.value ?? '']));
  const spec = translate(kind, doc.spec, '/spec');
  if (spec !== undefined && !isEmptyObject(spec)) shape.spec = spec;
  return shape;
}

function translate(kind: Kind, value: unknown, pointer: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => translate(kind, v, joinPointer(pointer, i)));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    const at = joinPointer(pointer, key);
    if (TERRAFORM_GAPS[kind].some((gap) => gap.test(at))) continue;
    let translated = translate(kind, member, at);
    if (key === 'attributes' && /awsCloudMap$/.test(pointer)) {
      translated = Object.fromEntries((member as Array<{ key: string; value: string }>).map((a) => [a.key, a.value]));
    }
    // The virtual node's connection_pool blocks other than grpc are lists in the provider's types.
    if (kind === 'VirtualNode' && /\/connectionPool$/.test(pointer) && key !== 'grpc') translated = [translated];
    // cdktf leaves out empty blocks (`spec: {}`), as Terraform treats them as absent.
    if (isEmptyObject(translated)) continue;
    out[BLOCK_NAMES[key] ?? snake(key)] = translated;
  }
  return out;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}
