// The files an import reads: the files named on the command line, and the matching files
// under each directory named (recursively, in path order).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDecoder } from 'node:util';
import { ImportReport, wholeFile } from './report';

export interface InputFile {
  /** The path as shown in reports: relative to the working directory when inside it, `/`-separated. */
  path: string;
  /** The path written in the headers of imported files: the same wherever the checkout lives (provenanceLabel). */
  label: string;
  text: string;
}

/** Terraform configuration, variables and state: only `--from terraform` reads them. */
export const TERRAFORM_FILE = /\.(tf|tf\.json|tfvars|tfvars\.json|tfstate)$/i;

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
    const directory = fs.statSync(absolute).isDirectory();
    const found = directory ? walk(absolute).filter(accept) : [absolute];
    if (directory && found.length === 0) {
      const terraform = walk(absolute).some((f) => TERRAFORM_FILE.test(f));
      report.error('IMPORT-INPUT', `nothing to import under this folder: none of its files is of a kind this import reads${terraform ? '. It holds Terraform files: import them with --from terraform' : ''}.`, wholeFile(displayPath(absolute, cwd)));
    }
    for (const file of found) {
      if (seen.has(file)) continue;
      seen.add(file);
      const display = displayPath(file, cwd);
      const text = readText(file, display, report);
      if (text !== undefined) files.push({ path: display, label: provenanceLabel(file, absolute, cwd), text });
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

/**
 * Where an imported file came from, independent of where the checkout lives, so that importing
 * the same inputs from another clone or another machine writes the same files: relative to the
 * working directory when inside it, else relative to the enclosing Git work tree, else to the
 * folder holding the input named on the command line (`templates/app.yaml` for input `…/templates`).
 */
function provenanceLabel(file: string, input: string, cwd: string): string {
  const root = isInside(file, cwd) ? cwd : (gitWorkTree(file) ?? path.dirname(input));
  return path.relative(root, file).split(path.sep).join('/');
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** The nearest folder above `file` holding `.git` (a directory, or a file for linked work trees). */
function gitWorkTree(file: string): string | undefined {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
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
