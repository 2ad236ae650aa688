// What an API mutation changes in the files of the branch head: the file edits of the commit and
// the resource document it leaves, or the App Mesh error the call answers (the resource exists
// already, is missing, its parent is missing, or it is still in use). Validation of the result
// is the writer's next step.
import { describeIdentity, identityKey } from '../../../provider/model/identity';
import { KIND_INFO } from '../../../provider/model/kinds';
import { Resource, ResourceDocument } from '../../../provider/model/resource';
import { renderDocument, resourcePath } from '../../../provider/import/canonical';
import { FileSource } from '../../load/file-source';
import { ENVIRONMENTS_DIR, LoadedEnvironment } from '../../load/load-environment';
import { ApiWriteFailure, refuse } from './api-failure';
import { ApiCaller, ApiMutation, ApiTag } from './api-mutation';
import { appendDocument, documentValue, formatOf, removeDocument, replaceDocument } from './document-edit';
import { deletionInUse } from './in-use';
import { FileEdits } from './overlay-source';
import { identityMembers, identityOfTarget } from './target-identity';

export interface PlannedChange {
  ok: true;
  edits: FileEdits;
  /** The resource's key (`VirtualNode/apps/serviceB`). */
  key: string;
  /** The deleted document, for a delete (the others are read back after validation). */
  deleted?: ResourceDocument;
}

export async function planMutation(head: FileSource, loaded: LoadedEnvironment, mutation: ApiMutation, caller: ApiCaller, operation: string): Promise<PlannedChange | ApiWriteFailure> {
  const identity = identityOfTarget(mutation.target);
  const key = identityKey(identity);
  const existing = loaded.resources.find((resource) => resource.key === key);
  const what = describeIdentity(identity);
  if (mutation.op === 'create') {
    if (existing) return refuse('ConflictException', `${what} already exists (${where(existing)}).`);
    const missingParent = missingParentOf(identity, loaded.resources);
    if (missingParent) return refuse('NotFoundException', `${missingParent} does not exist: create it before ${what}.`);
    const doc: ResourceDocument = { kind: identity.kind, ...identityMembers(identity) } as ResourceDocument;
    if (mutation.meshOwner !== undefined) doc.meshOwner = mutation.meshOwner;
    if (mutation.spec !== undefined && mutation.spec !== null) doc.spec = mutation.spec as Record<string, unknown>;
    if (mutation.tags && mutation.tags.length > 0) doc.tags = mutation.tags;
    const file = `${ENVIRONMENTS_DIR}/${loaded.name}/${resourcePath(doc)}`;
    const rendered = renderDocument(doc, `# Created through the App Mesh API (${operation}) by ${oneLine(caller.identity)}`);
    const text = (await head.exists(file)) ? appendDocument((await head.read(file)).toString('utf8'), rendered) : rendered;
    return { ok: true, key, edits: new Map([[file, text]]) };
  }
  if (!existing) return refuse('NotFoundException', `${what} does not exist.`);
  const file = existing.source.file;
  const format = formatOf(file);
  const text = (await head.read(file)).toString('utf8');
  const index = existing.source.docIndex;
  if (mutation.op === 'delete') {
    const inUse = deletionInUse(existing, loaded.resources.filter((resource) => resource !== existing));
    if (inUse) return inUse;
    return { ok: true, key, deleted: existing.doc, edits: new Map([[file, removeDocument(text, format, index) ?? null]]) };
  }
  const value = documentValue(text, format, index);
  let changed: Record<string, unknown>;
  if (mutation.op === 'update') {
    changed = { ...value, spec: mutation.spec };
    // UpdateMesh without a spec resets it (the only kind whose spec is optional).
    if (mutation.spec === undefined || mutation.spec === null) delete changed.spec;
  } else if (mutation.op === 'tag') {
    changed = { ...value, tags: withTags(value.tags, mutation.tags) };
  } else {
    const kept = currentTags(value.tags).filter((tag) => !mutation.tagKeys.includes(tag.key));
    changed = { ...value, tags: kept };
    if (kept.length === 0) delete changed.tags;
  }
  return { ok: true, key, edits: new Map([[file, replaceDocument(text, format, index, changed)]]) };
}

/** The parent a new resource needs (its mesh; a route's router, a gateway route's gateway) when it is missing. */
function missingParentOf(identity: ReturnType<typeof identityOfTarget>, resources: readonly Resource[]): string | undefined {
  const keys = new Set(resources.map((resource) => resource.key));
  if (identity.kind === 'Mesh') return undefined;
  const mesh = { kind: 'Mesh' as const, meshName: identity.meshName, name: identity.meshName };
  if (!keys.has(identityKey(mesh))) return describeIdentity(mesh);
  const parentKind = KIND_INFO[identity.kind].parentKind;
  if (!parentKind) return undefined;
  const parent = { kind: parentKind, meshName: identity.meshName, name: identity.parentName ?? '' };
  return keys.has(identityKey(parent)) ? undefined : describeIdentity(parent);
}

function withTags(current: unknown, added: readonly ApiTag[]): ApiTag[] {
  const tags = currentTags(current);
  for (const tag of added) {
    const same = tags.findIndex((t) => t.key === tag.key);
    if (same >= 0) tags[same] = { key: tag.key, value: tag.value };
    else tags.push({ key: tag.key, value: tag.value });
  }
  return tags;
}

function currentTags(value: unknown): ApiTag[] {
  if (!Array.isArray(value)) return [];
  return value.filter((tag): tag is ApiTag => typeof tag === 'object' && tag !== null && typeof (tag as ApiTag).key === 'string').map((tag) => ({ ...tag }));
}

function where(resource: Resource): string {
  const { line } = resource.source.locate('');
  return line > 0 ? `${resource.source.file}:${line}` : resource.source.file;
}

/** Caller identities go into a YAML comment: one line, whatever the operator named them. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}
