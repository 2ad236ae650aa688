// HCL (.tf, .tfvars) read with HashiCorp's own parser (hclsyntax compiled to WebAssembly in
// @cdktf/hcl2json) into the JSON form of the configuration, whose values are evaluated like
// .tf.json. The parser keeps no positions, so findings are placed by finding the block (and the
// arguments inside it) that a JSON pointer names in the text.
import { parse } from '@cdktf/hcl2json';
import { splitPointer } from '../model/diagnostic';
import { Position } from '../model/resource';
import { InputFile } from './input-files';
import { ImportReport, SourceLocation } from './report';
import { isRecord } from './shape';

export interface ParsedHcl {
  value: Record<string, unknown>;
  at: SourceLocation;
}

/** The file as HCL JSON, or undefined after reporting its syntax error (IMPORT-SYNTAX). */
export async function parseHcl(file: InputFile, report: ImportReport): Promise<ParsedHcl | undefined> {
  const at: SourceLocation = { file: file.path, locate: hclLocator(file.text) };
  try {
    const value = await parse(file.path, file.text);
    return { value: isRecord(value) ? value : {}, at };
  } catch (error) {
    // "parse config: [main.tf:2,7-3,1: Invalid expression; Expected …]"
    const message = error instanceof Error ? error.message : String(error);
    const match = /:(\d+),(\d+)-[\d,]+: ([^\]]*)/.exec(message);
    const position = match ? { line: Number(match[1]), column: Number(match[2]) } : { line: 0, column: 0 };
    report.error('IMPORT-SYNTAX', `${match ? match[3] : message} (HCL syntax; terraform validate shows the same error). Fix the file and import again.`, { file: file.path, locate: () => position });
    return undefined;
  }
}

/**
 * Positions of HCL JSON pointers (`/resource/<type>/<name>/0/spec/0/listener/1/port_mapping/0/port`):
 * the block header, then each argument or nested block among the direct children of the block
 * found so far (the n-th block of a type for a list index). Falls back to the innermost found.
 */
export function hclLocator(text: string): (pointer: string) => Position {
  const lines = text.split('\n');
  return (pointer) => {
    const segments = splitPointer(pointer);
    if (segments.length === 0) return { line: 1, column: 1 };
    const [kind, ...rest] = segments;
    const labels = kind === 'resource' || kind === 'data' ? 2 : kind === 'variable' || kind === 'module' || kind === 'output' ? 1 : 0;
    const header = new RegExp(`^\\s*${escape(kind)}${rest.slice(0, labels).map((label) => `\\s+"?${escape(label)}"?`).join('')}\\s*\\{`);
    let index = lines.findIndex((line) => header.test(line));
    if (index < 0) return { line: 0, column: 0 };
    const path = rest.slice(labels);
    if (/^\d+$/.test(path[0] ?? '')) {
      // The n-th block with these labels (`locals` blocks); resources are unique.
      const nth = Number(path.shift());
      let seen = 0;
      for (let i = 0; i < lines.length && seen <= nth; i++) if (header.test(lines[i]) && seen++ === nth) index = i;
    }
    for (let i = 0; i < path.length; i++) {
      if (/^\d+$/.test(path[i])) continue;
      const nth = /^\d+$/.test(path[i + 1] ?? '') ? Number(path[i + 1]) : 0;
      const found = childLine(lines, index, path[i], nth);
      if (found < 0) break;
      index = found;
    }
    return { line: index + 1, column: (/^\s*/.exec(lines[index])?.[0].length ?? 0) + 1 };
  };
}

/** The line of the `nth` direct child `key = …` / `key {` / `dynamic "key" {` of the block opened at `start`. */
function childLine(lines: string[], start: number, key: string, nth: number): number {
  const child = new RegExp(`^\\s*(${escape(key)}\\s*[={]|dynamic\\s+"${escape(key)}"|"${escape(key)}"\\s*[=:])`);
  let depth = 0;
  let seen = 0;
  for (let i = start; i < lines.length; i++) {
    if (i > start && depth === 1 && child.test(lines[i])) {
      if (seen === nth) return i;
      seen++;
    }
    depth += braces(lines[i]);
    if (i >= start && depth <= 0 && i > start) return -1;
  }
  return -1;
}

/** Net `{`/`[`/`(` openings on a line, outside strings and comments. */
function braces(line: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '#' || (ch === '/' && line[i + 1] === '/')) break;
    else if (ch === '{' || ch === '[' || ch === '(') depth++;
    else if (ch === '}' || ch === ']' || ch === ')') depth--;
  }
  return depth;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
