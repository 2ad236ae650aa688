// `meshplane import`: reads every input first, converts it with the dialect's importer, and
// only then (when no input was malformed) writes the canonical documents.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareDiagnostics, Diagnostic } from '../model/diagnostic';
import { canonicalFiles, ImportedResource, resourceKey } from './canonical';
import { importDescribe } from './describe';
import { importCloudFormation } from './cloudformation';
import { importKubernetes } from './k8s';
import { importTerraform, isTerraformInput } from './terraform';
import { InputFile, readInputs, TERRAFORM_FILE } from './input-files';
import { ImportReport, wholeFile } from './report';

export const IMPORT_DIALECTS = ['describe', 'cloudformation', 'k8s', 'terraform'] as const;
export type ImportDialect = (typeof IMPORT_DIALECTS)[number];

export interface ImportOptions {
  dialect: ImportDialect;
  /** Files or directories, relative to `cwd`. */
  inputs: string[];
  cwd: string;
  /** Mesh for resources whose input does not say which mesh they belong to. */
  mesh?: string;
  /** CloudFormation parameters, pseudo parameters and import values; Terraform variables, locals and references. */
  params: Record<string, string>;
  /** Terraform variable files (.tfvars, .tfvars.json), relative to `cwd`, later ones winning. */
  varFiles?: string[];
}

export interface ImportResult {
  resources: ImportedResource[];
  findings: Diagnostic[];
  /** Input files read. */
  files: number;
  /** Some input could not be parsed or names an unknown type or version: nothing may be written. */
  malformed: boolean;
  /** Everything was converted. */
  complete: boolean;
}

export async function runImport(options: ImportOptions): Promise<ImportResult> {
  const report = new ImportReport();
  const accept = options.dialect === 'terraform' ? isTerraformInput : undefined;
  const files = readInputs(options.inputs, options.cwd, report, accept).filter((file) => options.dialect === 'terraform' || !refusedAsTerraform(file, options.dialect, report));
  let resources: ImportedResource[];
  switch (options.dialect) {
    case 'describe':
      resources = importDescribe(files, report).resources;
      break;
    case 'cloudformation':
      resources = importCloudFormation(files, report, options.params);
      break;
    case 'k8s':
      resources = importKubernetes(files, report, { mesh: options.mesh });
      break;
    case 'terraform':
      resources = await importTerraform(files, report, { params: options.params, varFiles: readInputs(options.varFiles ?? [], options.cwd, report) });
      break;
  }
  if (options.mesh !== undefined) {
    for (const resource of resources) if (resource.doc.meshName === undefined) resource.doc.meshName = options.mesh;
  }
  resources = latestDefinitions(resources, report);
  // Headers name the input by its checkout-independent label (a describe input keeps the header it had).
  const labels = new Map(files.map((f) => [f.path, f.label]));
  for (const resource of resources) resource.source = labels.get(resource.source) ?? resource.source;
  report.findings.sort(compareDiagnostics);
  return { resources, findings: report.findings, files: files.length, malformed: report.malformed, complete: report.complete };
}

/** A Terraform file given to another dialect: say which dialect reads it instead of a confusing parse error. */
function refusedAsTerraform(file: InputFile, dialect: ImportDialect, report: ImportReport): boolean {
  if (!TERRAFORM_FILE.test(file.path)) return false;
  report.error('IMPORT-INPUT', `this is a Terraform file, not ${DIALECT_NOUNS[dialect]}; import Terraform configuration (.tf, .tf.json), variables and state with --from terraform.`, wholeFile(file.path));
  return true;
}

const DIALECT_NOUNS: Record<ImportDialect, string> = {
  describe: 'App Mesh describe output',
  cloudformation: 'a CloudFormation template',
  k8s: 'a Kubernetes manifest',
  terraform: 'Terraform',
};

/** A resource defined again later (a later stage, a later file) replaces the earlier definition. */
function latestDefinitions(resources: ImportedResource[], report: ImportReport): ImportedResource[] {
  const byKey = new Map<string, ImportedResource>();
  for (const resource of resources) {
    const key = resourceKey(resource);
    const earlier = byKey.get(key);
    if (earlier) {
      report.add('IMPORT-DUPLICATE', 'warning', `${key} was already defined at ${earlier.source}:${earlier.line}; this later definition is the one imported.`, {
        file: resource.source,
        locate: () => ({ line: resource.line, column: 1 }),
      });
      byKey.delete(key);
    }
    byKey.set(key, resource);
  }
  return [...byKey.values()];
}

export interface WriteResult {
  written: string[];
  unchanged: string[];
}

/** Writes the canonical files under `outDir` (relative paths in the result); files with equal content are left alone. */
export function writeResources(outDir: string, resources: readonly ImportedResource[]): WriteResult {
  const result: WriteResult = { written: [], unchanged: [] };
  for (const [relative, text] of canonicalFiles(resources)) {
    const target = path.join(outDir, ...relative.split('/'));
    if (fs.existsSync(target) && fs.readFileSync(target, 'utf8') === text) {
      result.unchanged.push(relative);
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
    result.written.push(relative);
  }
  return result;
}
