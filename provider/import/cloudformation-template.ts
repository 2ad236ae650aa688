// Reads a CloudFormation template (YAML with the short-form tags !Ref, !Sub, !GetAtt, …, or
// JSON) into plain values: a short form becomes its long form ({"Ref": …}, {"Fn::Sub": …}),
// and every value keeps its position so unresolvable intrinsics are reported at their line.
import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseAllDocuments } from 'yaml';
import { joinPointer, splitPointer } from '../model/diagnostic';
import { Position } from '../model/resource';
import { duplicateKeys } from '../load/duplicate-keys';
import { jsonSyntaxError } from '../load/json-syntax';
import { InputFile } from './input-files';
import { ImportReport } from './report';

export interface ParsedTemplate {
  value: unknown;
  locate(pointer: string): Position;
}

/** YAML aliases expanded per template at most (guards against "billion laughs"). */
const MAX_ALIASES = 100;

export function parseTemplate(file: InputFile, report: ImportReport): ParsedTemplate | undefined {
  const lineCounter = new LineCounter();
  const positionAt = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const syntax = (message: string, offset: number) => report.error('IMPORT-SYNTAX', message, { file: file.path, locate: () => positionAt(offset) });
  if (/\.json$/i.test(file.path)) {
    const error = jsonSyntaxError(file.text);
    if (error) {
      lineCounter.addNewLine(0);
      for (let i = 0; i < file.text.length; i++) if (file.text[i] === '\n') lineCounter.addNewLine(i + 1);
      syntax(`${error.message}. Fix the JSON syntax at this position.`, error.offset);
      return undefined;
    }
  }
  // yaml's own duplicate-key check is quadratic in a mapping's keys: duplicateKeys() is linear.
  const docs = parseAllDocuments(file.text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const errors = list.flatMap((doc) => doc.errors);
  for (const error of errors) syntax(`${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}. Fix the YAML syntax at this position.`, error.pos[0]);
  if (errors.length > 0) return undefined;
  const duplicates = list.flatMap((doc) => duplicateKeys(doc.contents));
  for (const duplicate of duplicates) syntax(`Map keys must be unique: ${JSON.stringify(duplicate.key)} is already a key of this mapping. Fix the YAML syntax at this position.`, duplicate.offset);
  if (duplicates.length > 0) return undefined;
  const documents = list.filter((doc) => doc.contents !== null);
  if (documents.length !== 1) {
    syntax(`a template is one YAML document; this file has ${documents.length}. Put each template in its own file.`, 0);
    return undefined;
  }
  const doc = documents[0];
  const offsets = new Map<string, number>();
  const state = { aliases: 0 };
  let value: unknown;
  try {
    value = toValue(doc.contents as Node, '', doc, offsets, state);
  } catch (error) {
    syntax((error as Error).message, 0);
    return undefined;
  }
  const locate = (pointer: string): Position => {
    const segments = splitPointer(pointer);
    for (let n = segments.length; n >= 0; n--) {
      const offset = offsets.get(joinPointer('', ...segments.slice(0, n)));
      if (offset !== undefined) return positionAt(offset);
    }
    return { line: 1, column: 1 };
  };
  return { value, locate };
}

function toValue(node: Node | null, pointer: string, doc: Document, offsets: Map<string, number>, state: { aliases: number }): unknown {
  if (node === null) return null;
  if (node.range) offsets.set(pointer, node.range[0]);
  if (isAlias(node)) {
    if (++state.aliases > MAX_ALIASES) throw new Error(`more than ${MAX_ALIASES} YAML alias expansions; write the values out instead of aliasing them`);
    return toValue(node.resolve(doc) as Node, pointer, doc, offsets, state);
  }
  let value: unknown;
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      out[key] = toValue(pair.value as Node | null, joinPointer(pointer, key), doc, offsets, state);
    }
    value = out;
  } else if (isSeq(node)) {
    value = node.items.map((item, i) => toValue(item as Node, joinPointer(pointer, i), doc, offsets, state));
  } else if (isScalar(node)) {
    value = node.value;
  }
  return longForm(node.tag, value);
}

/** `!Ref X` → {Ref: X}; `!GetAtt a.b` → {"Fn::GetAtt": [a, b]}; `!Condition C` → {Condition: C}; `!Sub s` → {"Fn::Sub": s}. */
function longForm(tag: string | undefined, value: unknown): unknown {
  if (!tag || !tag.startsWith('!') || tag.startsWith('!!')) return value;
  const name = tag.slice(1);
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}
