// Import from Terraform: `aws_appmesh_*` resources of JSON configuration (`.tf.json`, e.g. as
// `cdktf synth` writes it) and of state (`terraform show -json`, its plan form, or a raw
// terraform.tfstate). snake_case blocks are mapped back to the API shape: single blocks
// arrive as one-element lists, repeated blocks are singular (`listener` → `listeners`),
// key/value lists are maps. In configuration, `${var.…}`, `${local.…}` and references to the
// names of other App Mesh resources are evaluated; anything else is reported, never guessed.
import { joinPointer } from '../model/diagnostic';
import { Kind, KIND_INFO } from '../model/kinds';
import { ResourceDocument } from '../model/resource';
import { ImportedResource } from './canonical';
import { InputFile } from './input-files';
import { parseInput } from './parse-input';
import { ImportReport, SourceLocation } from './report';
import { convertValue, Dialect, isRecord, kindShape } from './shape';

export const TERRAFORM_TYPES: Record<string, Kind> = {
  aws_appmesh_mesh: 'Mesh',
  aws_appmesh_virtual_service: 'VirtualService',
  aws_appmesh_virtual_node: 'VirtualNode',
  aws_appmesh_virtual_router: 'VirtualRouter',
  aws_appmesh_route: 'Route',
  aws_appmesh_virtual_gateway: 'VirtualGateway',
  aws_appmesh_gateway_route: 'GatewayRoute',
};

/** Attributes Terraform computes or manages itself; they are not part of the definition. */
const COMPUTED = new Set(['id', 'arn', 'created_date', 'last_updated_date', 'resource_owner', 'tags_all', 'region']);
const META_ARGUMENTS = new Set(['depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);
const normalize = (key: string) => key.replace(/_/g, '').toLowerCase();

export const TERRAFORM_DIALECT: Dialect = {
  memberName: (key, members) => members.find((m) => normalize(key) === m.toLowerCase() || `${normalize(key)}s` === m.toLowerCase()),
  coerceScalars: true,
  blockLists: true,
};

interface TerraformResource {
  type: string;
  name: string;
  body: Record<string, unknown>;
  at: SourceLocation;
  pointer: string;
  /** Configuration (may hold `${…}` expressions) rather than state. */
  config?: ConfigScope;
}

interface ConfigScope {
  variables: Record<string, unknown>;
  locals: Record<string, unknown>;
  resources: Map<string, TerraformResource>;
}

export function importTerraform(files: readonly InputFile[], report: ImportReport, params: Record<string, string>): ImportedResource[] {
  const resources: TerraformResource[] = [];
  for (const file of files) {
    for (const document of parseInput(file, report)) {
      const at: SourceLocation = { file: file.path, locate: document.locate };
      const found = collect(document.value, at, report);
      if (found) resources.push(...found);
    }
  }
  const others = new Map<string, number>();
  for (const resource of resources) {
    if (resource.type in TERRAFORM_TYPES) continue;
    if (resource.type.startsWith('aws_appmesh_')) {
      report.error('IMPORT-TYPE', `${resource.type} is not an App Mesh resource type of the AWS provider; known: ${Object.keys(TERRAFORM_TYPES).join(', ')}.`, resource.at, resource.pointer);
    } else {
      others.set(resource.type, (others.get(resource.type) ?? 0) + 1);
    }
  }
  if (others.size > 0) {
    const list = [...others].map(([type, n]) => (n > 1 ? `${type} ×${n}` : type)).join(', ');
    report.add('IMPORT-NOT-IMPORTED', 'info', `resources that are not App Mesh definitions were not imported: ${list}.`, { file: files[0]?.path ?? '', locate: () => ({ line: 0, column: 0 }) });
  }
  if (report.malformed) return [];
  return resources.filter((r) => r.type in TERRAFORM_TYPES).flatMap((r) => convertResource(r, params, report) ?? []);
}

/** The resources of a .tf.json configuration, `terraform show -json` output, or a raw state file. */
function collect(value: unknown, at: SourceLocation, report: ImportReport): TerraformResource[] | undefined {
  if (isRecord(value) && ('resource' in value || 'variable' in value || 'terraform' in value || 'provider' in value)) return configResources(value, at);
  if (isRecord(value) && (isRecord(value.values) || isRecord(value.planned_values))) {
    const key = isRecord(value.values) ? 'values' : 'planned_values';
    const root = (value[key] as Record<string, unknown>).root_module;
    return isRecord(root) ? moduleResources(root, joinPointer('', key, 'root_module'), at) : [];
  }
  if (isRecord(value) && Array.isArray(value.resources) && 'version' in value) {
    return value.resources.flatMap((resource, i) => {
      if (!isRecord(resource) || resource.mode !== 'managed' || !Array.isArray(resource.instances)) return [];
      return resource.instances.flatMap((instance, j) =>
        isRecord(instance) && isRecord(instance.attributes)
          ? [{ type: String(resource.type), name: String(resource.name), body: instance.attributes, at, pointer: joinPointer('', 'resources', i, 'instances', j, 'attributes') }]
          : [],
      );
    });
  }
  report.error('IMPORT-INPUT', 'this file is neither Terraform JSON configuration (.tf.json with "resource") nor Terraform state (terraform show -json, terraform.tfstate).', at);
  return undefined;
}

function moduleResources(module: Record<string, unknown>, pointer: string, at: SourceLocation): TerraformResource[] {
  const out: TerraformResource[] = [];
  (Array.isArray(module.resources) ? module.resources : []).forEach((resource, i) => {
    if (isRecord(resource) && resource.mode === 'managed' && isRecord(resource.values)) {
      out.push({ type: String(resource.type), name: String(resource.name), body: resource.values, at, pointer: joinPointer(pointer, 'resources', i, 'values') });
    }
  });
  (Array.isArray(module.child_modules) ? module.child_modules : []).forEach((child, i) => {
    if (isRecord(child)) out.push(...moduleResources(child, joinPointer(pointer, 'child_modules', i), at));
  });
  return out;
}

function configResources(config: Record<string, unknown>, at: SourceLocation): TerraformResource[] {
  const scope: ConfigScope = { variables: {}, locals: {}, resources: new Map() };
  for (const block of asList(config.variable)) Object.assign(scope.variables, block);
  for (const block of asList(config.locals)) Object.assign(scope.locals, block);
  const out: TerraformResource[] = [];
  const blocks = Array.isArray(config.resource) ? config.resource : [config.resource];
  blocks.forEach((block, b) => {
    if (!isRecord(block)) return;
    const base = Array.isArray(config.resource) ? joinPointer('/resource', b) : '/resource';
    for (const [type, byName] of Object.entries(block)) {
      if (!isRecord(byName)) continue;
      for (const [name, body] of Object.entries(byName)) {
        // A resource body may be an object or a list of one object.
        const single = Array.isArray(body) ? body[0] : body;
        const pointer = joinPointer(base, type, name, ...(Array.isArray(body) ? [0] : []));
        if (!isRecord(single)) continue;
        const resource: TerraformResource = { type, name, body: single, at, pointer, config: scope };
        scope.resources.set(`${type}.${name}`, resource);
        out.push(resource);
      }
    }
  });
  return out;
}

function asList(value: unknown): Record<string, unknown>[] {
  return (Array.isArray(value) ? value : [value]).filter(isRecord);
}

function convertResource(resource: TerraformResource, params: Record<string, string>, report: ImportReport): ImportedResource | undefined {
  const kind = TERRAFORM_TYPES[resource.type];
  const info = KIND_INFO[kind];
  let body = resource.body;
  if (resource.config) {
    const evaluated = new Interpolation(resource.config, params, report, resource.at).evaluate(body, resource.pointer, new Set([`${resource.type}.${resource.name}`]));
    if (evaluated === UNRESOLVED) {
      report.error('IMPORT-SKIPPED', `${resource.type}.${resource.name} was not imported because some of its values could not be resolved (see the IMPORT-UNRESOLVED findings in this file).`, resource.at, resource.pointer);
      return undefined;
    }
    body = evaluated as Record<string, unknown>;
  }
  const envelope: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const pointer = joinPointer(resource.pointer, key);
    if (COMPUTED.has(key) || META_ARGUMENTS.has(key)) continue;
    if (key === 'count' || key === 'for_each') {
      report.error('IMPORT-UNRESOLVED', `${key} creates several instances from one block; write one resource block per instance to import them.`, resource.at, pointer);
      return undefined;
    }
    if (key === 'name') envelope[info.nameKey] = value;
    else if (key === 'mesh_owner' && body.resource_owner !== undefined && value === body.resource_owner) continue; // state: not a shared mesh
    else envelope[key] = value;
  }
  const shape = kindShape(kind);
  const doc = convertValue(envelope, shape.document, resource.pointer, { dialect: { ...TERRAFORM_DIALECT, memberName: (key, members) => (key === info.nameKey ? key : TERRAFORM_DIALECT.memberName(key, members)) }, report, at: resource.at, shape }) as Record<string, unknown>;
  if (Array.isArray(doc.tags) && doc.tags.length === 0) delete doc.tags;
  const missing = info.identityKeys.filter((key) => typeof doc[key] !== 'string');
  if (missing.length > 0) {
    report.error('IMPORT-IDENTITY', `${resource.type}.${resource.name} has no ${missing.join(', ')}; set it to import the resource.`, resource.at, resource.pointer);
    return undefined;
  }
  return { doc: { ...doc, kind } as ResourceDocument, source: resource.at.file, line: resource.at.locate(resource.pointer).line };
}

const UNRESOLVED = Symbol('unresolved');
/** Attributes of App Mesh resources that are names given in configuration, so references to them can be evaluated. */
const NAME_ATTRIBUTES = new Set(['name', 'mesh_name', 'mesh_owner', 'virtual_router_name', 'virtual_gateway_name']);

/** Evaluates the `${…}` expressions of .tf.json values that only need the configuration itself. */
class Interpolation {
  constructor(
    private readonly scope: ConfigScope,
    private readonly params: Record<string, string>,
    private readonly report: ImportReport,
    private readonly at: SourceLocation,
  ) {}

  evaluate(value: unknown, pointer: string, visiting: Set<string>): unknown {
    if (typeof value === 'string') return this.template(value, pointer, visiting);
    if (Array.isArray(value)) {
      const items = value.map((item, i) => this.evaluate(item, joinPointer(pointer, i), visiting));
      return items.includes(UNRESOLVED) ? UNRESOLVED : items;
    }
    if (!isRecord(value)) return value;
    const out: Record<string, unknown> = {};
    let unresolved = false;
    for (const [key, member] of Object.entries(value)) {
      out[key] = this.evaluate(member, joinPointer(pointer, key), visiting);
      if (out[key] === UNRESOLVED) unresolved = true;
    }
    return unresolved ? UNRESOLVED : out;
  }

  private template(text: string, pointer: string, visiting: Set<string>): unknown {
    const whole = /^\$\{([^}]*)\}$/.exec(text);
    if (whole) return this.expression(whole[1].trim(), pointer, visiting);
    let unresolved = false;
    const out = text.replace(/(\$?)\$\{([^}]*)\}/g, (match, escape: string, expression: string) => {
      if (escape) return match.slice(1);
      const value = this.expression(expression.trim(), pointer, visiting);
      if (value === UNRESOLVED) unresolved = true;
      return String(value);
    });
    return unresolved ? UNRESOLVED : out;
  }

  private expression(expression: string, pointer: string, visiting: Set<string>): unknown {
    const fail = (why: string) => {
      this.report.error('IMPORT-UNRESOLVED', `\${${expression}} ${why}`, this.at, pointer);
      return UNRESOLVED;
    };
    const variable = /^var\.([A-Za-z0-9_-]+)$/.exec(expression);
    if (variable) {
      const name = variable[1];
      if (name in this.params) return this.params[name];
      const declared = this.scope.variables[name];
      if (isRecord(declared) && declared.default !== undefined) return declared.default;
      return fail(`: variable ${name} has no default; pass --param ${name}=<value>.`);
    }
    const local = /^local\.([A-Za-z0-9_-]+)$/.exec(expression);
    if (local) {
      if (!(local[1] in this.scope.locals)) return fail(`: no local value ${local[1]} is defined.`);
      return this.guard(`local.${local[1]}`, visiting, fail, () => this.evaluate(this.scope.locals[local[1]], pointer, visiting));
    }
    const reference = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)$/.exec(expression);
    if (reference && reference[1] in TERRAFORM_TYPES && NAME_ATTRIBUTES.has(reference[3])) {
      const target = this.scope.resources.get(`${reference[1]}.${reference[2]}`);
      if (!target) return fail(`: no resource ${reference[1]}.${reference[2]} is in the imported configuration.`);
      if (target.body[reference[3]] === undefined) return fail(`: ${reference[1]}.${reference[2]} sets no ${reference[3]}.`);
      const key = `${reference[1]}.${reference[2]}`;
      return this.guard(key, visiting, fail, () => this.evaluate(target.body[reference[3]], joinPointer(target.pointer, reference[3]), visiting));
    }
    return fail('is known only when Terraform evaluates the configuration (or is an expression the importer does not evaluate); write the value instead, or pass it with --param for a variable.');
  }

  private guard(key: string, visiting: Set<string>, fail: (why: string) => unknown, run: () => unknown): unknown {
    if (visiting.has(key)) return fail(`: circular reference through ${key}.`);
    visiting.add(key);
    try {
      return run();
    } finally {
      visiting.delete(key);
    }
  }
}
