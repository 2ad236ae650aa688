// The 38 operations, answered generically from their names and the model: <Verb><Kind> for the
// five verbs of the seven kinds, and the three tag operations. Reads are served from the Git head
// (GitHeadView); writes become an ApiMutation for the writer (reconciler/api/write/), after the
// key's write access, the environment's read-only setting and the clientToken are checked.
import { Identity, identityKey } from '../../provider/model/identity';
import { Kind, KINDS, KIND_INFO } from '../../provider/model/kinds';
import { ApiKeySettings } from '../operator/api-settings';
import { AppliedResource } from '../state';
import { AccessKeys } from './access-keys';
import { ApiError, notFound } from './api-error';
import { Operation, shapeOf } from './api-model';
import { ClientTokens } from './client-tokens';
import { resolveEnvironment } from './environment-resolver';
import { EnvironmentSnapshot, GitHeadView } from './git-head-view';
import { page } from './page-token';
import { parseResourceArn } from './resource-arn';
import { resourceData, resourceRef } from './resource-data';
import { ApiMutation, ApiResourceIdentity, ApiTag, ApiWriter, ApiWriteResult } from './write/api-mutation';

export interface ApiServices {
  view: GitHeadView;
  keys: AccessKeys;
  /** Undefined: the API serves reads only; writes answer ForbiddenException. */
  writer?: ApiWriter;
  tokens: ClientTokens;
}

export interface ApiCall {
  operation: Operation;
  input: Record<string, unknown>;
  key: ApiKeySettings;
  /** The region the request was signed for. */
  region: string;
}

type Output = Record<string, unknown>;
type Verb = 'Create' | 'Describe' | 'Update' | 'Delete' | 'List';
type Tagging = 'TagResource' | 'UntagResource' | 'ListTagsForResource';
const VERBS: readonly Verb[] = ['Create', 'Describe', 'Update', 'Delete', 'List'];
const TAGGING: readonly string[] = ['TagResource', 'UntagResource', 'ListTagsForResource'];

export function pluralOf(kind: Kind): string {
  return kind === 'Mesh' ? 'Meshes' : `${kind}s`;
}

/** What an operation name says: `ListRoutes` → List of Route. */
export function classifyOperation(name: string): { verb: Verb; kind: Kind } | { tagging: Tagging } {
  if (TAGGING.includes(name)) return { tagging: name as Tagging };
  for (const verb of VERBS) {
    const kind = KINDS.find((k) => name === `${verb}${verb === 'List' ? pluralOf(k) : k}`);
    if (kind) return { verb, kind };
  }
  throw new Error(`App Mesh operation ${name} is neither <Verb><Kind> nor a tag operation`);
}

export async function invokeOperation(services: ApiServices, call: ApiCall): Promise<Output> {
  const what = classifyOperation(call.operation.name);
  if ('tagging' in what) return tagging(services, call, what.tagging);
  const { verb, kind } = what;
  const input = call.input;
  const meshName = input.meshName as string | undefined;
  const snapshot = await resolveEnvironment(services.view, services.keys, call.key, { region: call.region, account: input.meshOwner as string | undefined, meshName, operation: call.operation.name });
  if (verb === 'List') return list(snapshot, call, kind);
  const identity = identityOfInput(kind, input);
  const existing = snapshot.byKey.get(identityKey(identity));
  const apiName = KIND_INFO[kind].apiName;
  if (verb === 'Describe') {
    if (!existing) throw notFound(missing(identity, snapshot));
    return { [apiName]: resourceData(existing) };
  }
  const target = apiIdentity(identity);
  if (verb === 'Create') {
    const mutation: ApiMutation = { op: 'create', target, spec: input.spec ?? {}, tags: input.tags as ApiTag[] | undefined, meshOwner: input.meshOwner as string | undefined };
    return write(services, call, snapshot, mutation, async (result) => ({ [apiName]: resourceData(await committed(services, snapshot, identity, result)) }));
  }
  if (verb === 'Update') {
    return write(services, call, snapshot, { op: 'update', target, spec: input.spec ?? {} }, async (result) => ({ [apiName]: resourceData(await committed(services, snapshot, identity, result)) }));
  }
  // Delete answers the resource as it was, with status DELETED.
  if (!existing) throw notFound(missing(identity, snapshot));
  return write(services, call, snapshot, { op: 'delete', target }, async () => ({ [apiName]: resourceData(existing, 'DELETED') }));
}

function identityOfInput(kind: Kind, input: Record<string, unknown>): Identity {
  const info = KIND_INFO[kind];
  return {
    kind,
    meshName: input.meshName as string,
    name: input[info.nameKey] as string,
    parentName: info.parentKind ? (input[info.identityKeys[1]] as string) : undefined,
  };
}

function apiIdentity(identity: Identity): ApiResourceIdentity {
  const target: ApiResourceIdentity = { kind: identity.kind, meshName: identity.meshName, name: identity.name };
  if (identity.kind === 'Route') target.virtualRouterName = identity.parentName;
  if (identity.kind === 'GatewayRoute') target.virtualGatewayName = identity.parentName;
  return target;
}

function missing(identity: Identity, snapshot: EnvironmentSnapshot): string {
  const parentKind = KIND_INFO[identity.kind].parentKind;
  const where = identity.kind === 'Mesh' ? '' : ` in mesh ${identity.meshName}${parentKind ? ` (${parentKind} ${identity.parentName})` : ''}`;
  return `${identity.kind} ${identity.name}${where} was not found in environment ${snapshot.environment} at commit ${snapshot.commit.slice(0, 12)}.`;
}

function list(snapshot: EnvironmentSnapshot, call: ApiCall, kind: Kind): Output {
  const { input } = call;
  const info = KIND_INFO[kind];
  let scope = '';
  let members = snapshot.resources.filter((r) => r.identity.kind === kind);
  if (kind !== 'Mesh') {
    const mesh: Identity = { kind: 'Mesh', meshName: input.meshName as string, name: input.meshName as string };
    if (!snapshot.byKey.has(identityKey(mesh))) throw notFound(missing(mesh, snapshot));
    members = members.filter((r) => r.identity.meshName === mesh.meshName);
    scope = mesh.meshName;
    if (info.parentKind) {
      const parentName = input[info.identityKeys[1]] as string;
      const parent: Identity = { kind: info.parentKind, meshName: mesh.meshName, name: parentName };
      if (!snapshot.byKey.has(identityKey(parent))) throw notFound(missing(parent, snapshot));
      members = members.filter((r) => r.identity.parentName === parentName);
      scope += `/${parentName}`;
    }
  }
  const listed = page(`${call.operation.name}/${scope}`, members, (r) => r.key, input.limit as number | undefined, input.nextToken as string | undefined);
  return { [listMember(call.operation)]: listed.items.map(resourceRef), nextToken: listed.nextToken };
}

/** The list member of a List* output (`virtualNodes`, `meshes`): the one that is not nextToken. */
function listMember(operation: Operation): string {
  const members = shapeOf(operation.output!.shape).members ?? {};
  return Object.keys(members).find((name) => name !== 'nextToken')!;
}

async function tagging(services: ApiServices, call: ApiCall, operation: Tagging): Promise<Output> {
  const arn = parseResourceArn(call.input.resourceArn as string);
  const snapshot = await resolveEnvironment(services.view, services.keys, call.key, { region: arn.region, account: arn.account, meshName: arn.identity.meshName, operation: call.operation.name });
  const resource = snapshot.byKey.get(identityKey(arn.identity));
  if (!resource) throw notFound(missing(arn.identity, snapshot));
  if (operation === 'ListTagsForResource') {
    const tags = (resource.doc.tags ?? []) as unknown[];
    const indexed = tags.map((tag, index) => ({ tag, position: String(index).padStart(8, '0') }));
    const listed = page(`ListTagsForResource/${resource.key}`, indexed, (t) => t.position, call.input.limit as number | undefined, call.input.nextToken as string | undefined);
    return { tags: listed.items.map((t) => t.tag), nextToken: listed.nextToken };
  }
  const target = apiIdentity(arn.identity);
  const mutation: ApiMutation =
    operation === 'TagResource' ? { op: 'tag', target, tags: call.input.tags as ApiTag[] } : { op: 'untag', target, tagKeys: call.input.tagKeys as string[] };
  return write(services, call, snapshot, mutation, async () => ({}));
}

/** Checks access, runs the mutation once per clientToken, and answers what `respond` makes of the commit. */
async function write(services: ApiServices, call: ApiCall, snapshot: EnvironmentSnapshot, mutation: ApiMutation, respond: (result: ApiWriteResult & { ok: true }) => Promise<Output>): Promise<Output> {
  const { keys, writer, tokens } = services;
  const environment = snapshot.environment;
  if (!keys.canWrite(call.key, environment)) {
    throw new ApiError(
      'AccessDeniedException',
      `User: ${call.key.identity} is not authorized to perform: appmesh:${call.operation.name} on environment ${environment}: its access key may only read it (operator configuration api.keys[].write).`,
    );
  }
  if (keys.isReadOnly(environment)) throw new ApiError('ForbiddenException', `Environment ${environment} is read-only through the App Mesh API (operator configuration api.readOnly); change it with a commit to the repository.`);
  if (!writer) throw new ApiError('ForbiddenException', `This server answers reads only: it was started without a Git writer for environment ${environment}.`);
  const { clientToken, ...request } = call.input;
  const fingerprint = JSON.stringify([call.operation.name, request]);
  return tokens.run(environment, clientToken as string | undefined, fingerprint, async () => {
    const result = await writer.write(environment, mutation, services.keys.caller(call.key), call.operation.name);
    if (!result.ok) throw new ApiError(result.errorType, result.message, result.diagnostics ? { diagnostics: result.diagnostics } : undefined);
    services.view.noteCommit(result.commit);
    return respond(result);
  });
}

/** The resource as the writer's commit has it (read-your-writes). */
async function committed(services: ApiServices, before: EnvironmentSnapshot, identity: Identity, result: { commit: string }): Promise<AppliedResource> {
  const after = await services.view.snapshot(before.environment);
  const resource = after?.byKey.get(identityKey(identity));
  if (!resource) throw new ApiError('InternalServerErrorException', `commit ${result.commit} was made, but ${identity.kind} ${identity.name} is not in environment ${before.environment} at the branch head; check the repository.`);
  return resource;
}
