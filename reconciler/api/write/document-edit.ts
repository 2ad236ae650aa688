// Edits of one resource document inside the file where it lives, keeping the rest of the file as
// the user wrote it: in a YAML file only the edited document is rendered again (by the yaml
// library, from its parsed nodes, so its comments, key order and scalar styles stay), and inside
// it only the values that changed are replaced; the other documents keep their exact bytes. A
// JSON file is one document: it is written back with its own indentation and key order.
import { Document, isMap, isScalar, isSeq, Node, parseAllDocuments, Scalar } from 'yaml';

export type FileFormat = 'yaml' | 'json';

export function formatOf(file: string): FileFormat {
  return /\.json$/i.test(file) ? 'json' : 'yaml';
}

/** The plain value of document `index` of a file, as the file itself has it (no inferred kind). */
export function documentValue(text: string, format: FileFormat, index: number): Record<string, unknown> {
  if (format === 'json') return JSON.parse(text) as Record<string, unknown>;
  return yamlDocuments(text)[index].toJS() as Record<string, unknown>;
}

/** The file with document `index` changed to `value` (only what differs is touched). */
export function replaceDocument(text: string, format: FileFormat, index: number, value: Record<string, unknown>): string {
  if (format === 'json') return renderJson(text, mergePlain(JSON.parse(text), value));
  const docs = yamlDocuments(text);
  const doc = docs[index];
  doc.contents = reconcileNode(doc, doc.contents, value) as typeof doc.contents;
  const [start, end] = documentSpan(docs, index, text);
  const rendered = doc.toString({ lineWidth: 0 });
  return text.slice(0, start) + rendered + text.slice(end);
}

/** The file without document `index`; undefined when it was the file's only document (delete the file). */
export function removeDocument(text: string, format: FileFormat, index: number): string | undefined {
  if (format === 'json') return undefined;
  const docs = yamlDocuments(text);
  if (docs.length <= 1) return undefined;
  const [start, end] = documentSpan(docs, index, text);
  let rest = text.slice(0, start) + text.slice(end);
  // The first document had no `---` of its own: the next one's marker would now open the file.
  if (index === 0) rest = rest.replace(/^---[ \t]*\n/, '');
  return rest;
}

/** The file with one more YAML document at its end. */
export function appendDocument(text: string, rendered: string): string {
  const separated = text.endsWith('\n') || text === '' ? text : `${text}\n`;
  return `${separated}---\n${rendered}`;
}

function yamlDocuments(text: string): Document.Parsed[] {
  return parseAllDocuments(text, { uniqueKeys: false }) as Document.Parsed[];
}

/**
 * Where document `index` is in the text: from its `---` (or the file's start, for the first one,
 * so its leading comments go with it) to the end of its content.
 */
function documentSpan(docs: readonly Document.Parsed[], index: number, text: string): [number, number] {
  const start = index === 0 ? 0 : docs[index].range[0];
  const end = index + 1 < docs.length ? docs[index + 1].range[0] : text.length;
  return [start, end];
}

/** The node for `value`: the existing node, changed only where it differs, or a new one. */
function reconcileNode(doc: Document, node: unknown, value: unknown): unknown {
  if (isMap(node) && isPlainObject(value)) {
    const keyOf = (key: unknown) => (isScalar(key) ? key.value : key);
    node.items = node.items.filter((pair) => {
      const key = keyOf(pair.key);
      return typeof key === 'string' && key in value;
    });
    for (const [key, item] of Object.entries(value)) {
      const pair = node.items.find((p) => keyOf(p.key) === key);
      if (pair) pair.value = reconcileNode(doc, pair.value, item) as Node;
      else node.add(doc.createPair(key, item));
    }
    return node;
  }
  if (isSeq(node) && Array.isArray(value)) {
    node.items.splice(value.length);
    value.forEach((item, i) => {
      if (i < node.items.length) node.items[i] = reconcileNode(doc, node.items[i], item) as Node;
      else node.items.push(doc.createNode(item));
    });
    return node;
  }
  if (isScalar(node) && (value === null || typeof value !== 'object')) {
    if (node.value === value) return node;
    // A style chosen for another type (a quoted string becoming a number) would change the value's type.
    if (typeof node.value !== typeof value) node.type = undefined;
    (node as Scalar).value = value;
    return node;
  }
  return doc.createNode(value);
}

function mergePlain(current: unknown, value: unknown): unknown {
  if (isPlainObject(current) && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(current)) if (key in value) out[key] = mergePlain(current[key], value[key]);
    for (const key of Object.keys(value)) if (!(key in out)) out[key] = value[key];
    return out;
  }
  if (Array.isArray(current) && Array.isArray(value)) return value.map((item, i) => (i < current.length ? mergePlain(current[i], item) : item));
  return value;
}

function renderJson(original: string, value: unknown): string {
  const indent = /\n([ \t]+)\S/.exec(original)?.[1] ?? '  ';
  return JSON.stringify(value, null, indent) + (original.endsWith('\n') ? '\n' : '');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
