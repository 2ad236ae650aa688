// The files an import reads: the files named on the command line, and the matching files
// under each directory named (recursively, in path order).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDecoder } from 'node:util';
import { ImportReport, wholeFile } from './report';

export interface InputFile {
  /** The path as shown in reports and headers: relative to the working directory, `/`-separated. */
  path: string;
  text: string;
}

/** Extensions read from directories; a file named explicitly is read whatever its name. */
export const DIRECTORY_EXTENSIONS = /\.(ya?ml|json|template)$/i;
const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** Paths (files or directories) that do not exist. */
export function missingInputs(inputs: readonly string[], cwd: string): string[] {
  return inputs.filter((input) => !fs.existsSync(path.resolve(cwd, input)));
}

/** `accept` chooses the files read from directories (default: DIRECTORY_EXTENSIONS). */
export function readInputs(inputs: readonly string[], cwd: string, report: ImportReport, accept: (file: string) => boolean = (f) => DIRECTORY_EXTENSIONS.test(f)): InputFile[] {
  const files: InputFile[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    const found = fs.statSync(absolute).isDirectory() ? walk(absolute).filter(accept) : [absolute];
    for (const file of found) {
      if (seen.has(file)) continue;
      seen.add(file);
      const display = displayPath(file, cwd);
      const text = readText(file, display, report);
      if (text !== undefined) files.push({ path: display, text });
    }
  }
  return files;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  const outside = relative === '' || relative.startsWith('..') || path.isAbsolute(relative);
  return (outside ? file : relative).split(path.sep).join('/');
}

function readText(file: string, display: string, report: ImportReport): string | undefined {
  const bytes = fs.readFileSync(file);
  if (bytes.length > MAX_INPUT_BYTES) {
    report.error('IMPORT-INPUT', `file is ${bytes.length} bytes; inputs over 16 MiB are refused. Split the dump into several files.`, wholeFile(display));
    return undefined;
  }
  if (bytes.includes(0)) {
    report.error('IMPORT-INPUT', 'file contains NUL bytes: it is binary, not YAML or JSON. Leave it out of the import.', wholeFile(display));
    return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    report.error('IMPORT-INPUT', 'file is not valid UTF-8. Save it as UTF-8 and import again.', wholeFile(display));
    return undefined;
  }
}
