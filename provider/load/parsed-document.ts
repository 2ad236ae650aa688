// YAML/JSON parsing that keeps the position of every value, so diagnostics can say file:line:column.
import { isMap, isScalar, isSeq, LineCounter, Node, parseAllDocuments, visit } from 'yaml';
import { joinPointer, splitPointer } from '../model/diagnostic';
import { Position } from '../model/resource';
import { duplicateKeys } from './duplicate-keys';
import { jsonSyntaxError } from './json-syntax';
import { intern, internValue } from './intern';

export interface ParseProblem {
  code: 'LOAD-YAML' | 'LOAD-DUPKEY' | 'LOAD-ALIAS' | 'LOAD-DEPTH' | 'LOAD-NODES';
  message: string;
  position: Position;
}

export interface ParsedDocument {
  index: number;
  /** The plain value, or undefined when the document could not be turned into one. */
  value: unknown;
  /** Position of the document's first value. */
  position: Position;
  locate(pointer: string): Position;
}

export interface ParsedFile {
  documents: ParsedDocument[];
  problems: ParseProblem[];
}

/**
 * What parsing a file produced, as plain data (no functions, no yaml nodes), so a large file can be
 * parsed on a worker thread and handed back: fromPortable() turns it into a ParsedFile.
 */
export interface PortableParse {
  documents: PortableDocument[];
  problems: ParseProblem[];
  /** Offsets where each line starts (yaml's LineCounter). */
  lineStarts: number[];
}

interface PortableDocument {
  index: number;
  value: unknown;
  offset: number;
  /** The offset a diagnostic at each pointer points at (see offsetTable). */
  pointers: string[];
  offsets: number[];
}

/** Nesting beyond this is refused before building values: no mesh document comes close. */
export const MAX_DEPTH = 64;
/** YAML alias expansions allowed per document (guards against "billion laughs"). */
const MAX_ALIAS_COUNT = 50;
/**
 * Values (mappings, lists, scalars) allowed per document, refused before building them: the largest
 * App Mesh resources have a few hundred, and every value costs the daemon's thread work downstream.
 */
export const MAX_NODES_PER_DOCUMENT = 10_000;

export function parseFile(text: string, format: 'yaml' | 'json' = 'yaml'): ParsedFile {
  return fromPortable(parsePortable(text, format));
}

export function parsePortable(text: string, format: 'yaml' | 'json' = 'yaml'): PortableParse {
  const lineCounter = new LineCounter();
  const positionAt = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: ParseProblem[] = [];
  const depthProblem = checkDepth(text);
  if (depthProblem !== undefined) {
    problems.push({
      code: 'LOAD-DEPTH',
      message: `values are nested more than ${MAX_DEPTH} levels deep; App Mesh documents need far fewer. Flatten the document.`,
      position: positionAtOffset(text, depthProblem),
    });
    return { documents: [], problems, lineStarts: [] };
  }
  if (format === 'json') {
    const jsonError = jsonSyntaxError(text);
    if (jsonError) {
      problems.push({ code: 'LOAD-YAML', message: `${jsonError.message}. Fix the JSON syntax at this position.`, position: positionAtOffset(text, jsonError.offset) });
      return { documents: [], problems, lineStarts: [] };
    }
  }
  // The library's duplicate-key check is quadratic in the keys of a map: duplicateKeys() replaces it.
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const documents: PortableDocument[] = [];
  list.forEach((doc, index) => {
    for (const error of doc.errors) {
      const firstLine = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      problems.push({ code: 'LOAD-YAML', message: `${firstLine}. Fix the syntax at this position.`, position: positionAt(error.pos[0]) });
    }
    if (doc.errors.length > 0) return;
    const duplicates = duplicateKeys(doc.contents);
    for (const duplicate of duplicates) {
      const first = positionAt(duplicate.firstOffset);
      problems.push({
        code: 'LOAD-DUPKEY',
        message: `Map keys must be unique: ${JSON.stringify(duplicate.key)} is already a key of this mapping at line ${first.line}. Remove or rename one of the duplicate keys.`,
        position: positionAt(duplicate.offset),
      });
    }
    if (duplicates.length > 0) return;
    const counted = countNodes(doc.contents);
    if (counted.nodes > MAX_NODES_PER_DOCUMENT) {
      problems.push({
        code: 'LOAD-NODES',
        message: `this document has ${counted.nodes} values; a document may have at most ${MAX_NODES_PER_DOCUMENT} (App Mesh resources have a few hundred). Split it, or remove what the resource does not need.`,
        position: positionAt(doc.contents?.range?.[0] ?? 0),
      });
      return;
    }
    // Resolving an alias scans the document's anchors (quadratic in aliases): refuse more than the cap before toJS.
    if (counted.aliases > MAX_ALIAS_COUNT) {
      problems.push({
        code: 'LOAD-ALIAS',
        message: `more than ${MAX_ALIAS_COUNT} YAML aliases in one document; write the values out instead of aliasing them.`,
        position: positionAt(doc.contents?.range?.[0] ?? 0),
      });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      problems.push({
        code: 'LOAD-ALIAS',
        message: `${(error as Error).message}; YAML aliases may expand at most ${MAX_ALIAS_COUNT} times per document. Write the values out instead of aliasing them.`,
        position: positionAt(doc.contents?.range?.[0] ?? 0),
      });
      return;
    }
    if (value === null || value === undefined) return; // an empty document (e.g. a trailing `---`)
    documents.push({ index, value, offset: doc.contents?.range?.[0] ?? 0, ...offsetTable(doc.contents) });
  });
  return { documents, problems, lineStarts: lineCounter.lineStarts };
}

export function fromPortable(parsed: PortableParse): ParsedFile {
  const lineCounter = new LineCounter();
  lineCounter.lineStarts.push(...parsed.lineStarts);
  const positionAt = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const documents = parsed.documents.map(({ index, value, offset, pointers, offsets }): ParsedDocument => {
    internValue(value);
    pointers.forEach((p, i) => (pointers[i] = intern(p)));
    let table: Map<string, number> | undefined;
    // The offset of the node at a pointer, or of its nearest existing ancestor (e.g. for a missing member).
    const locate = (pointer: string): Position => {
      if (!table) {
        table = new Map();
        pointers.forEach((p, i) => table!.has(p) || table!.set(p, offsets[i]));
      }
      const segments = splitPointer(pointer);
      for (let n = segments.length; n > 0; n--) {
        const found = table.get(joinPointer('', ...segments.slice(0, n)));
        if (found !== undefined) return positionAt(found);
      }
      return positionAt(offset);
    };
    return { index, value, position: positionAt(offset), locate };
  });
  return { documents, problems: parsed.problems };
}

/** How many nodes (pairs not counted: their keys and values are) and alias nodes (`*name`) a document has. */
function countNodes(root: Node | null): { nodes: number; aliases: number } {
  const counted = { nodes: 0, aliases: 0 };
  if (root !== null) {
    visit(root, {
      Node: () => void counted.nodes++,
      Alias: () => void counted.aliases++,
    });
  }
  return counted;
}

// Every pointer of a document with the offset a diagnostic there points at: a value's own offset,
// but the key's for a block mapping or list (which starts on the line after its key, where a reader looks).
function offsetTable(root: Node | null): { pointers: string[]; offsets: number[] } {
  const pointers: string[] = [];
  const offsets: number[] = [];
  const add = (pointer: string, offset: number | undefined) => {
    if (offset === undefined) return;
    pointers.push(pointer);
    offsets.push(offset);
  };
  const walk = (node: unknown, pointer: string): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const child = joinPointer(pointer, String(pair.key.value));
        const valueNode = pair.value as Node | null;
        const isBlockCollection = (isMap(valueNode) || isSeq(valueNode)) && !valueNode.flow;
        add(child, (isBlockCollection ? pair.key.range?.[0] : valueNode?.range?.[0]) ?? pair.key.range?.[0]);
        walk(valueNode, child);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const child = joinPointer(pointer, i);
        add(child, (item as Node | null)?.range?.[0]);
        walk(item, child);
      });
    }
  };
  walk(root, '');
  return { pointers, offsets };
}

/** Offset where nesting first exceeds MAX_DEPTH (counting flow brackets and indentation), else undefined. */
function checkDepth(text: string): number | undefined {
  let flowDepth = 0;
  let inQuote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuote) {
      if (ch === '\\' && inQuote === '"') i++;
      else if (ch === inQuote) inQuote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") inQuote = ch;
    else if (ch === '[' || ch === '{') {
      if (++flowDepth > MAX_DEPTH) return i;
    } else if (ch === ']' || ch === '}') flowDepth = Math.max(0, flowDepth - 1);
    else if (ch === '#') {
      const lineEnd = text.indexOf('\n', i);
      i = lineEnd < 0 ? text.length : lineEnd;
    } else if (ch === '\n') inQuote = undefined;
  }
  return checkIndentDepth(text);
}

// Block-style nesting: a stack of indentation levels, one pass over the lines.
function checkIndentDepth(text: string): number | undefined {
  const indents: number[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const content = line.trimStart();
    if (content !== '' && !content.startsWith('#')) {
      const indent = line.length - content.length;
      while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
      if (indents.length > MAX_DEPTH) return offset;
    }
    offset += line.length + 1;
  }
  return undefined;
}

function positionAtOffset(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
