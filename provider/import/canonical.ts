// The canonical Git form of imported resources: one file per resource at a stable path,
// keys in the API shape order (the order of the generated schemas), and a header naming
// the file the resource came from. Rendering the same resources twice gives the same bytes.
import { Document } from 'yaml';
import { KIND_INFO, Kind } from '../model/kinds';
import { ResourceDocument } from '../model/resource';
import { identityKey, identityOf } from '../model/identity';
import { KindShape, kindShape, isRecord, SchemaNode } from './shape';

/** One resource produced by an importer. */
export interface ImportedResource {
  doc: ResourceDocument;
  /** The input file (as given on the command line, `/`-separated) and the line of the definition. */
  source: string;
  line: number;
}

export const HEADER_PREFIX = '# Imported by meshplane from ';

export function resourceKey(resource: ImportedResource): string {
  const id = identityOf(resource.doc.kind, resource.doc);
  return id ? identityKey(id) : `${resource.doc.kind}/?`;
}

/** The document with every object's keys in API order (unknown keys last, sorted). */
export function orderDocument(doc: ResourceDocument): ResourceDocument {
  const shape = kindShape(doc.kind);
  return orderValue(doc, shape.document, shape) as ResourceDocument;
}

function orderValue(value: unknown, node: SchemaNode | undefined, shape: KindShape): unknown {
  const schema = shape.resolve(node);
  if (Array.isArray(value)) return value.map((item) => orderValue(item, schema?.items, shape));
  if (!isRecord(value)) return value;
  const known = Object.keys(schema?.properties ?? {});
  const keys = Object.keys(value).sort((a, b) => rank(known, a) - rank(known, b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = orderValue(value[key], schema?.properties?.[key], shape);
  return out;
}

function rank(known: string[], key: string): number {
  const index = known.indexOf(key);
  return index < 0 ? known.length : index;
}

/** YAML text of one resource, with the provenance header. */
export function renderResource(resource: ImportedResource): string {
  return renderDocument(resource.doc, `${HEADER_PREFIX}${resource.source}`);
}

/** YAML text of one resource document in API key order, after a one-line `# …` header. */
export function renderDocument(doc: ResourceDocument, header: string): string {
  const body = new Document(orderDocument(doc)).toString({ lineWidth: 0 });
  return `${header}\n${body}`;
}

/**
 * Path of a resource's file inside the environment: `<mesh>/mesh.yaml`, `<mesh>/<kind-kebab>/<name>.yaml`,
 * routes and gateway routes in a folder per parent. The mesh comes first so that several
 * meshes imported into one environment (in one run or several) never share a file.
 */
export function resourcePath(doc: ResourceDocument): string {
  const info = KIND_INFO[doc.kind];
  const mesh = fileSafe(String(doc.meshName));
  if (doc.kind === 'Mesh') return `${mesh}/mesh.yaml`;
  const parts = [mesh, kebab(doc.kind)];
  if (info.parentKind) parts.push(fileSafe(String(doc[info.identityKeys[1]])));
  parts.push(`${fileSafe(String(doc[info.nameKey]))}.yaml`);
  return parts.join('/');
}

/** Every file an import writes, by path relative to the environment folder, in path order. */
export function canonicalFiles(resources: readonly ImportedResource[]): Map<string, string> {
  const entries = resources.map((r) => [resourcePath(r.doc), renderResource(r)] as const);
  return new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function kebab(kind: Kind): string {
  return kind.replace(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase();
}

// Names may hold any character but `/` (ID-3 compat); anything a file system might mind is %-escaped.
function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]|^\./g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}
