// Import from Terraform: the `aws_appmesh_*` resources of configuration — HCL (.tf) and JSON
// (.tf.json, e.g. `cdktf synth` output), every file of a directory forming one module — and of
// `terraform show -json` (state or a saved plan) or a raw terraform.tfstate. Configuration is
// evaluated (terraform-config.ts) and plans' unknown values resolved (terraform-plan.ts); then
// snake_case blocks are mapped back to the API shape: single blocks arrive as one-element lists,
// repeated blocks are singular (`listener` → `listeners`), key/value lists are maps, and values
// the provider leaves unset (null, empty blocks) are not definitions.
import * as path from 'node:path';
import { Kind, KIND_INFO } from '../model/kinds';
import { ResourceDocument } from '../model/resource';
import { ImportedResource } from './canonical';
import { InputFile } from './input-files';
import { parseInput } from './parse-input';
import { ImportReport, SourceLocation, wholeFile } from './report';
import { convertValue, Dialect, isRecord, kindShape } from './shape';
import { ConfigFile, META_ARGUMENTS, TerraformModule } from './terraform-config';
import { canonicalJson } from './terraform-functions';
import { parseHcl } from './terraform-hcl';
import { isStateOrPlan, stateResources } from './terraform-plan';

export const TERRAFORM_TYPES: Record<string, Kind> = {
  aws_appmesh_mesh: 'Mesh',
  aws_appmesh_virtual_service: 'VirtualService',
  aws_appmesh_virtual_node: 'VirtualNode',
  aws_appmesh_virtual_router: 'VirtualRouter',
  aws_appmesh_route: 'Route',
  aws_appmesh_virtual_gateway: 'VirtualGateway',
  aws_appmesh_gateway_route: 'GatewayRoute',
};

/** Files a directory contributes to a Terraform import; `.terraform/` holds providers and downloaded modules. */
export function isTerraformInput(file: string): boolean {
  if (/[\\/]\.terraform[\\/]/.test(file)) return false;
  return /\.(tf|tf\.json|json)$/i.test(file) || isAutoVarFile(file);
}

/** Variable files Terraform loads by itself from the working directory. */
function isAutoVarFile(file: string): boolean {
  return /(^|[\\/])(terraform\.tfvars|[^\\/]*\.auto\.tfvars)(\.json)?$/i.test(file);
}

/** Local modules calling local modules, at most. */
const MAX_MODULE_DEPTH = 8;

/** Configuration files read in one import: far more than any real root module. */
export const MAX_TERRAFORM_FILES = 1000;

/** Attributes Terraform computes or manages itself; they are not part of the definition. */
const COMPUTED = new Set(['id', 'arn', 'created_date', 'last_updated_date', 'resource_owner', 'tags_all', 'region']);
const normalize = (key: string) => key.replace(/_/g, '').toLowerCase();

export const TERRAFORM_DIALECT: Dialect = {
  memberName: (key, members) => members.find((m) => normalize(key) === m.toLowerCase() || `${normalize(key)}s` === m.toLowerCase()),
  coerceScalars: true,
  blockLists: true,
};

export interface TerraformInputs {
  params: Record<string, string>;
  /** `--var-file` files, in order (later files win). */
  varFiles: readonly InputFile[];
}

export async function importTerraform(files: readonly InputFile[], report: ImportReport, inputs: TerraformInputs): Promise<ImportedResource[]> {
  if (files.length > MAX_TERRAFORM_FILES) {
    report.error('IMPORT-INPUT', `${files.length} files were found; at most ${MAX_TERRAFORM_FILES} are read. Import the root module's directory, not a tree of projects.`, wholeFile(files[0].path));
    return [];
  }
  const modules = new Map<string, { config: ConfigFile[]; autoVars: Array<{ file: string; values: Record<string, unknown> }> }>();
  const moduleOf = (file: InputFile) => {
    const dir = path.posix.dirname(file.path);
    if (!modules.has(dir)) modules.set(dir, { config: [], autoVars: [] });
    return modules.get(dir)!;
  };
  const states: ReturnType<typeof stateResources> = [];
  for (const file of files) {
    if (isAutoVarFile(file.path)) {
      moduleOf(file).autoVars.push({ file: path.posix.basename(file.path), values: await readVarFile(file, report) });
      continue;
    }
    if (/\.tf$/i.test(file.path)) {
      const parsed = await parseHcl(file, report);
      if (parsed) moduleOf(file).config.push(parsed);
      continue;
    }
    for (const document of parseInput(file, report)) {
      const at: SourceLocation = { file: file.path, locate: document.locate };
      if (isConfiguration(document.value)) moduleOf(file).config.push({ value: document.value, at });
      else if (isStateOrPlan(document.value)) states.push(...stateResources(document.value, at, inputs.params));
      else if (isCdktfManifest(document.value)) continue; // cdktf.out/manifest.json beside the stacks
      else report.error('IMPORT-INPUT', 'this file is neither Terraform configuration (.tf, or .tf.json with "resource") nor Terraform state or plan (terraform show -json, terraform.tfstate). Import the .tf files of the root module, or the output of terraform show -json.', at);
    }
  }
  const varFileValues: Record<string, unknown> = {};
  for (const file of inputs.varFiles) Object.assign(varFileValues, await readVarFile(file, report));

  const others = new Map<string, number>();
  const count = (type: string) => {
    if (type in TERRAFORM_TYPES) return;
    if (type.startsWith('aws_appmesh_')) return;
    others.set(type, (others.get(type) ?? 0) + 1);
  };
  const candidates: Array<{ type: string; address: string; body: Record<string, unknown>; at: SourceLocation; pointer: string; state: boolean }> = [];
  const types = new Set(Object.keys(TERRAFORM_TYPES));
  // Directories another imported directory calls with a local `module` block are evaluated with
  // the call's arguments (once per instance of the call), not on their own.
  const childOf = (dir: string, source: string) => path.posix.normalize(path.posix.join(dir, source));
  const called = new Set<string>();
  for (const [dir, module] of modules) {
    for (const { value } of module.config) {
      for (const calls of Array.isArray(value.module) ? value.module : [value.module]) {
        if (!isRecord(calls)) continue;
        for (const call of Object.values(calls).flatMap((c) => (Array.isArray(c) ? c : [c]))) {
          if (isRecord(call) && typeof call.source === 'string' && modules.has(childOf(dir, call.source))) called.add(childOf(dir, call.source));
        }
      }
    }
  }
  const evaluate = (dir: string, moduleArguments: Record<string, unknown> | undefined, depth: number) => {
    const module = modules.get(dir)!;
    // As Terraform: terraform.tfvars, then *.auto.tfvars in name order, then --var-file, then --param.
    const autoVars = module.autoVars.sort((a, b) => Number(!/^terraform\./.test(a.file)) - Number(!/^terraform\./.test(b.file)) || (a.file < b.file ? -1 : 1));
    const evaluated = new TerraformModule(module.config, { params: inputs.params, varFileValues: Object.assign({}, ...autoVars.map((v) => v.values), varFileValues), arguments: moduleArguments }, report);
    evaluated.resourceBlocks.forEach((block) => count(block.type));
    refuseUnknownTypes(evaluated.resourceBlocks, report);
    if (report.malformed) return;
    candidates.push(...evaluated.evaluateResources(types).map((r) => ({ ...r, state: false })));
    for (const call of evaluated.moduleCalls()) {
      const child = childOf(dir, call.source);
      if (!modules.has(child) || !call.arguments) continue;
      if (depth >= MAX_MODULE_DEPTH) {
        report.error('IMPORT-LIMIT', `${call.address}: modules nested deeper than ${MAX_MODULE_DEPTH} levels are not evaluated.`, wholeFile(dir));
        continue;
      }
      evaluate(child, call.arguments, depth + 1);
    }
  };
  for (const dir of [...modules.keys()].sort()) if (!called.has(dir)) evaluate(dir, undefined, 0);
  for (const resource of states) {
    count(resource.type);
    if (resource.type.startsWith('aws_appmesh_') && !(resource.type in TERRAFORM_TYPES)) refuseUnknownTypes([{ type: resource.type, at: resource.at, pointer: resource.pointer }], report);
    if (!(resource.type in TERRAFORM_TYPES)) continue;
    for (const { pointer, error } of resource.unresolved) report.error('IMPORT-UNRESOLVED', `${error.message}.`, resource.at, pointer);
    if (resource.unresolved.length > 0) {
      report.error('IMPORT-SKIPPED', `${resource.address} was not imported: ${resource.unresolved.length === 1 ? 'a value is' : 'values are'} unknown in the plan.`, resource.at, resource.pointer);
      continue;
    }
    candidates.push({ type: resource.type, address: resource.address, body: resource.values, at: resource.at, pointer: resource.pointer, state: true });
  }
  if (others.size > 0) {
    const list = [...others].map(([type, n]) => (n > 1 ? `${type} ×${n}` : type)).join(', ');
    report.add('IMPORT-NOT-IMPORTED', 'info', `resources that are not App Mesh definitions were not imported: ${list}.`, wholeFile(files[0]?.path ?? ''));
  }
  if (report.malformed) return [];
  return candidates.flatMap((r) => toDocument(r, report) ?? []);
}

function isConfiguration(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && ['resource', 'variable', 'terraform', 'provider', 'locals', 'data', 'module', 'output'].some((key) => key in value);
}

function isCdktfManifest(value: unknown): boolean {
  return isRecord(value) && isRecord(value.stacks) && typeof value.version === 'string';
}

function refuseUnknownTypes(blocks: ReadonlyArray<{ type: string; at: SourceLocation; pointer: string }>, report: ImportReport): void {
  for (const block of blocks) {
    if (block.type.startsWith('aws_appmesh_') && !(block.type in TERRAFORM_TYPES)) {
      report.error('IMPORT-TYPE', `${block.type} is not an App Mesh resource type of the AWS provider; known: ${Object.keys(TERRAFORM_TYPES).join(', ')}.`, block.at, block.pointer);
    }
  }
}

/** A .tfvars (HCL) or .tfvars.json file: its top-level attributes are variable values. */
async function readVarFile(file: InputFile, report: ImportReport): Promise<Record<string, unknown>> {
  if (/\.json$/i.test(file.path)) {
    const [document] = parseInput(file, report);
    if (document && !isRecord(document.value)) report.error('IMPORT-INPUT', 'a variables file must be an object of variable values.', wholeFile(file.path));
    return document && isRecord(document.value) ? document.value : {};
  }
  return (await parseHcl(file, report))?.value ?? {};
}

function toDocument(resource: { type: string; address: string; body: Record<string, unknown>; at: SourceLocation; pointer: string; state: boolean }, report: ImportReport): ImportedResource | undefined {
  const kind = TERRAFORM_TYPES[resource.type];
  const info = KIND_INFO[kind];
  const body = withoutUnset(resource.body) as Record<string, unknown>;
  const envelope: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (COMPUTED.has(key) || META_ARGUMENTS.has(key)) continue;
    if (key === 'name') envelope[info.nameKey] = value;
    else if (key === 'mesh_owner' && body.resource_owner !== undefined && value === body.resource_owner) continue; // state: not a shared mesh
    else envelope[key] = value;
  }
  const shape = kindShape(kind);
  const dialect: Dialect = { ...TERRAFORM_DIALECT, memberName: (key, members) => (key === info.nameKey ? key : TERRAFORM_DIALECT.memberName(key, members)) };
  const doc = convertValue(envelope, shape.document, resource.pointer, { dialect, report, at: resource.at, shape }) as Record<string, unknown>;
  if (Array.isArray(doc.tags) && doc.tags.length === 0) delete doc.tags;
  orderSets(doc);
  const missing = info.identityKeys.filter((key) => typeof doc[key] !== 'string');
  if (missing.length > 0) {
    report.error('IMPORT-IDENTITY', `${resource.address} has no ${missing.join(', ')}; set it to import the resource.`, resource.at, resource.pointer);
    return undefined;
  }
  return { doc: { ...doc, kind } as ResourceDocument, source: resource.at.file, line: resource.at.locate(resource.pointer).line };
}

/**
 * Members the AWS provider declares as sets (schema nesting mode or type `set`): Terraform keeps
 * no order for them — a plan lists them in its own — so every Terraform input gives them in one
 * canonical order. App Mesh gives these lists no meaning by order either.
 */
const SET_MEMBERS = new Set([
  'backends',
  'weightedTargets',
  'metadata',
  'headers',
  'queryParameters',
  'ports',
  'exact',
  'certificateAuthorityArns',
  'grpcRetryEvents',
  'httpRetryEvents',
  'tcpRetryEvents',
]);

export function orderSets(value: unknown): void {
  if (Array.isArray(value)) value.forEach(orderSets);
  if (!isRecord(value)) return;
  for (const [key, member] of Object.entries(value)) {
    orderSets(member);
    if (SET_MEMBERS.has(key) && Array.isArray(member)) member.sort(compareCanonical);
  }
}

function compareCanonical(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [canonicalJson(a), canonicalJson(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Null values and empty block lists are unset arguments: the provider writes them for every
 * optional attribute in plans and state (`grpc_route.match.prefix: null`), whether or not the
 * API has such a member.
 */
function withoutUnset(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUnset);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === null || (Array.isArray(member) && member.length === 0)) continue;
    out[key] = withoutUnset(member);
  }
  return out;
}
