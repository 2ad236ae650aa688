// Evaluates CloudFormation intrinsic functions inside App Mesh resources, from what the import
// knows: --param values, the template's parameter defaults, conditions and mappings, the
// properties of other resources of the template (for !GetAtt names and Ref ARNs) and the
// exports of the other templates imported with it. Whatever depends on deploy-time facts is
// reported at its line as unresolvable, never guessed.
import { joinPointer } from '../model/diagnostic';
import { arnOf, Identity } from '../model/identity';
import { KIND_INFO, Kind } from '../model/kinds';
import { ImportReport, SourceLocation } from './report';
import { isRecord } from './shape';

export const NO_VALUE = Symbol('AWS::NoValue');
export const UNRESOLVED = Symbol('unresolved');
type Result = unknown;

/** CloudFormation resource type → App Mesh kind. */
export const APPMESH_TYPES: Record<string, Kind> = {
  'AWS::AppMesh::Mesh': 'Mesh',
  'AWS::AppMesh::VirtualService': 'VirtualService',
  'AWS::AppMesh::VirtualNode': 'VirtualNode',
  'AWS::AppMesh::VirtualRouter': 'VirtualRouter',
  'AWS::AppMesh::Route': 'Route',
  'AWS::AppMesh::VirtualGateway': 'VirtualGateway',
  'AWS::AppMesh::GatewayRoute': 'GatewayRoute',
};

/** !GetAtt attributes that equal a property of the same resource. */
const NAME_ATTRIBUTES: Record<string, string[]> = {
  ...Object.fromEntries(
    Object.entries(APPMESH_TYPES).map(([type, kind]) => [type, [...KIND_INFO[kind].identityKeys.map(pascal), 'MeshOwner']]),
  ),
  'AWS::ServiceDiscovery::Service': ['Name'],
};

/** Resource types whose Ref yields one of their own properties (documented CloudFormation return values). */
const REF_IS_PROPERTY: Record<string, string> = { 'AWS::Route53::RecordSet': 'Name' };

const PSEUDO_PARAMETERS = ['AWS::AccountId', 'AWS::Region', 'AWS::StackName', 'AWS::StackId', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::NotificationARNs'];

export interface Template {
  location: SourceLocation;
  value: Record<string, unknown>;
}

/** Export name → the template and pointer of its value, across every imported template. */
export type ExportTable = Map<string, { evaluator: IntrinsicEvaluator; pointer: string }>;

export class IntrinsicEvaluator {
  private quiet = 0;
  private readonly inProgress = new Set<string>();
  private readonly reported = new Set<string>();

  constructor(
    readonly template: Template,
    private readonly params: Record<string, string>,
    private readonly exports: ExportTable,
    private readonly report: ImportReport,
  ) {}

  private get resources(): Record<string, unknown> {
    return isRecord(this.template.value.Resources) ? this.template.value.Resources : {};
  }

  /** The value with every intrinsic evaluated; UNRESOLVED (after reporting why) when any part cannot be. */
  evaluate(value: unknown, pointer: string): Result {
    if (Array.isArray(value)) {
      const items = value.map((item, i) => this.evaluate(item, joinPointer(pointer, i)));
      return items.includes(UNRESOLVED) ? UNRESOLVED : items.filter((item) => item !== NO_VALUE);
    }
    if (!isRecord(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'))) {
      return this.intrinsic(keys[0], value[keys[0]], joinPointer(pointer, keys[0]), pointer);
    }
    const out: Record<string, unknown> = {};
    let unresolved = false;
    for (const key of keys) {
      const member = this.evaluate(value[key], joinPointer(pointer, key));
      if (member === UNRESOLVED) unresolved = true;
      else if (member !== NO_VALUE) out[key] = member;
    }
    return unresolved ? UNRESOLVED : out;
  }

  /** Evaluates without reporting (to list export names whose other outputs may be unresolvable). */
  evaluateQuietly(value: unknown, pointer: string): Result {
    this.quiet++;
    try {
      return this.evaluate(value, pointer);
    } finally {
      this.quiet--;
    }
  }

  private fail(pointer: string, message: string): typeof UNRESOLVED {
    const key = `${pointer}\n${message}`;
    if (this.quiet === 0 && !this.reported.has(key)) {
      this.reported.add(key);
      this.report.error('IMPORT-UNRESOLVED', message, this.template.location, pointer);
    }
    return UNRESOLVED;
  }

  private intrinsic(name: string, arg: unknown, argPointer: string, pointer: string): Result {
    switch (name) {
      case 'Ref':
        return typeof arg === 'string' ? this.ref(arg, pointer) : this.fail(pointer, 'Ref takes the name of a parameter or resource.');
      case 'Condition':
        return typeof arg === 'string' ? this.condition(arg, pointer) : this.fail(pointer, 'Condition takes the name of a condition.');
      case 'Fn::GetAtt': {
        const parts = typeof arg === 'string' ? splitOnce(arg) : this.evaluate(arg, argPointer);
        if (parts === UNRESOLVED) return UNRESOLVED;
        if (!Array.isArray(parts) || parts.length !== 2) return this.fail(pointer, 'Fn::GetAtt takes [LogicalId, Attribute].');
        return this.getAtt(String(parts[0]), String(parts[1]), pointer);
      }
      case 'Fn::Sub':
        return this.sub(arg, argPointer, pointer);
      case 'Fn::Join': {
        const args = this.evaluate(arg, argPointer);
        if (args === UNRESOLVED) return UNRESOLVED;
        if (!Array.isArray(args) || args.length !== 2 || !Array.isArray(args[1])) return this.fail(pointer, 'Fn::Join takes [delimiter, [values…]].');
        return args[1].map(String).join(String(args[0]));
      }
      case 'Fn::Select': {
        const args = this.evaluate(arg, argPointer);
        if (args === UNRESOLVED) return UNRESOLVED;
        if (!Array.isArray(args) || args.length !== 2 || !Array.isArray(args[1])) return this.fail(pointer, 'Fn::Select takes [index, [values…]].');
        const index = Number(args[0]);
        return Number.isInteger(index) && index >= 0 && index < args[1].length ? args[1][index] : this.fail(pointer, `Fn::Select index ${args[0]} is outside the list of ${args[1].length}.`);
      }
      case 'Fn::Split': {
        const args = this.evaluate(arg, argPointer);
        if (args === UNRESOLVED) return UNRESOLVED;
        if (!Array.isArray(args) || args.length !== 2) return this.fail(pointer, 'Fn::Split takes [delimiter, string].');
        return String(args[1]).split(String(args[0]));
      }
      case 'Fn::If': {
        if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') return this.fail(pointer, 'Fn::If takes [condition, value if true, value if false].');
        const chosen = this.condition(arg[0], joinPointer(argPointer, 0));
        if (chosen === UNRESOLVED) return UNRESOLVED;
        return chosen ? this.evaluate(arg[1], joinPointer(argPointer, 1)) : this.evaluate(arg[2], joinPointer(argPointer, 2));
      }
      case 'Fn::Equals': {
        const args = this.evaluate(arg, argPointer);
        if (args === UNRESOLVED) return UNRESOLVED;
        if (!Array.isArray(args) || args.length !== 2) return this.fail(pointer, 'Fn::Equals takes [value, value].');
        return JSON.stringify(args[0]) === JSON.stringify(args[1]) || String(args[0]) === String(args[1]);
      }
      case 'Fn::And':
      case 'Fn::Or':
      case 'Fn::Not': {
        const args = this.evaluate(arg, argPointer);
        if (args === UNRESOLVED) return UNRESOLVED;
        if (!Array.isArray(args) || !args.every((a) => typeof a === 'boolean')) return this.fail(pointer, `${name} takes a list of conditions.`);
        return name === 'Fn::And' ? args.every(Boolean) : name === 'Fn::Or' ? args.some(Boolean) : !args[0];
      }
      case 'Fn::FindInMap': {
        const args = this.evaluate(arg, argPointer);
        if (args === UNRESOLVED) return UNRESOLVED;
        const mappings = isRecord(this.template.value.Mappings) ? this.template.value.Mappings : {};
        const [map, top, second] = Array.isArray(args) ? args.map(String) : [];
        const found = isRecord(mappings[map]) && isRecord((mappings[map] as Record<string, unknown>)[top]) ? ((mappings[map] as Record<string, Record<string, unknown>>)[top] as Record<string, unknown>)[second] : undefined;
        return found === undefined ? this.fail(pointer, `Fn::FindInMap: Mappings has no ${map}.${top}.${second}.`) : this.evaluate(found, `/Mappings/${map}/${top}/${second}`);
      }
      case 'Fn::ImportValue':
        return this.importValue(arg, argPointer, pointer);
      case 'Fn::Base64': {
        const text = this.evaluate(arg, argPointer);
        return text === UNRESOLVED ? UNRESOLVED : Buffer.from(String(text)).toString('base64');
      }
      case 'Fn::Length': {
        const list = this.evaluate(arg, argPointer);
        return list === UNRESOLVED ? UNRESOLVED : Array.isArray(list) ? list.length : this.fail(pointer, 'Fn::Length takes a list.');
      }
      case 'Fn::ToJsonString': {
        const json = this.evaluate(arg, argPointer);
        return json === UNRESOLVED ? UNRESOLVED : JSON.stringify(json);
      }
      default:
        return this.fail(pointer, `${name} depends on facts known only when the stack is deployed (or is not an intrinsic function the importer knows); replace it with the value it yields.`);
    }
  }

  private ref(name: string, pointer: string): Result {
    if (name === 'AWS::NoValue') return NO_VALUE;
    const parameters = isRecord(this.template.value.Parameters) ? this.template.value.Parameters : {};
    if (name in parameters) {
      const declared = isRecord(parameters[name]) ? (parameters[name] as Record<string, unknown>) : {};
      const value = this.params[name] ?? (declared.Default === undefined ? undefined : String(declared.Default));
      if (value === undefined) return this.fail(pointer, `parameter ${name} has no Default; pass --param ${name}=<value>.`);
      const type = String(declared.Type ?? '');
      return type === 'CommaDelimitedList' || type.startsWith('List<') ? value.split(',').map((v) => v.trim()) : value;
    }
    if (PSEUDO_PARAMETERS.includes(name)) {
      return this.params[name] ?? this.fail(pointer, `${name} is known only when the stack is deployed; pass --param ${name}=<value>.`);
    }
    // A deploy-time value the user knows (the ARN of a certificate authority, …) may be passed as a parameter.
    if (name in this.params) return this.params[name];
    if (name in this.resources) {
      const resource = this.resources[name] as Record<string, unknown>;
      if (typeof resource.Type === 'string' && resource.Type in APPMESH_TYPES) return this.arn(name, pointer);
      const property = REF_IS_PROPERTY[String(resource.Type)];
      const properties = isRecord(resource.Properties) ? resource.Properties : {};
      if (property && properties[property] !== undefined) {
        return this.guarded(`/Resources/${name}/Properties/${property}`, pointer, () => this.evaluate(properties[property], `/Resources/${name}/Properties/${property}`));
      }
      return this.fail(pointer, `Ref ${name} yields the physical ID of a ${String(resource.Type)}, which exists only once the stack is deployed; pass --param ${name}=<value>.`);
    }
    return this.fail(pointer, `Ref ${name} names neither a parameter nor a resource of this template; pass --param ${name}=<value> or fix the name.`);
  }

  condition(name: string, pointer: string): boolean | typeof UNRESOLVED {
    const conditions = isRecord(this.template.value.Conditions) ? this.template.value.Conditions : {};
    if (!(name in conditions)) return this.fail(pointer, `condition ${name} is not defined in Conditions.`);
    const result = this.guarded(`/Conditions/${name}`, pointer, () => this.evaluate(conditions[name], joinPointer('/Conditions', name)));
    if (result === UNRESOLVED) return UNRESOLVED;
    return typeof result === 'boolean' ? result : this.fail(pointer, `condition ${name} does not evaluate to true or false.`);
  }

  private getAtt(id: string, attribute: string, pointer: string): Result {
    if (`${id}.${attribute}` in this.params) return this.params[`${id}.${attribute}`];
    const resource = this.resources[id];
    if (!isRecord(resource)) return this.fail(pointer, `Fn::GetAtt names ${id}, which is not a resource of this template.`);
    const type = String(resource.Type);
    const properties = isRecord(resource.Properties) ? resource.Properties : {};
    if (type in APPMESH_TYPES && attribute === 'Arn') return this.arn(id, pointer);
    if (NAME_ATTRIBUTES[type]?.includes(attribute)) {
      if (properties[attribute] === undefined) {
        return this.fail(pointer, `${id} sets no ${attribute}, so CloudFormation generates it at deploy time; set ${attribute} on ${id} to import it.`);
      }
      return this.guarded(`/Resources/${id}/Properties/${attribute}`, pointer, () => this.evaluate(properties[attribute], `/Resources/${id}/Properties/${attribute}`));
    }
    return this.fail(pointer, `${id}.${attribute} of a ${type} is known only once the stack is deployed; pass --param ${id}.${attribute}=<value>.`);
  }

  /** The ARN of an App Mesh resource of this template; needs --param AWS::Region, AWS::AccountId and AWS::Partition. */
  private arn(id: string, pointer: string): Result {
    const resource = this.resources[id] as Record<string, unknown>;
    const kind = APPMESH_TYPES[String(resource.Type)];
    const members = this.evaluate(resource.Properties, `/Resources/${id}/Properties`);
    if (members === UNRESOLVED || !isRecord(members)) return UNRESOLVED;
    const values = KIND_INFO[kind].identityKeys.map((key) => members[pascal(key)]);
    if (!values.every((v) => typeof v === 'string')) return this.fail(pointer, `the ARN of ${id} needs its names set (${KIND_INFO[kind].identityKeys.map(pascal).join(', ')}).`);
    const context = ['AWS::Region', 'AWS::AccountId', 'AWS::Partition'].map((p) => this.params[p]);
    if (context.some((v) => v === undefined)) {
      return this.fail(pointer, `the ARN of ${id} needs the deployment's partition, region and account; pass --param AWS::Partition=aws --param AWS::Region=<region> --param AWS::AccountId=<account>.`);
    }
    const id2: Identity = { kind, meshName: values[0] as string, name: values[values.length - 1] as string, parentName: KIND_INFO[kind].parentKind ? (values[1] as string) : undefined };
    return arnOf(id2, { partition: context[2], region: context[0], account: context[1] });
  }

  private sub(arg: unknown, argPointer: string, pointer: string): Result {
    const [text, variables] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, {}];
    if (typeof text !== 'string') return this.fail(pointer, 'Fn::Sub takes a string, or [string, {variables}].');
    const vars = isRecord(variables) ? this.evaluate(variables, joinPointer(argPointer, 1)) : {};
    if (vars === UNRESOLVED) return UNRESOLVED;
    let unresolved = false;
    const out = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
      if (name.startsWith('!')) return '${' + name.slice(1) + '}';
      const value = isRecord(vars) && name in vars ? vars[name] : name.includes('.') && !name.startsWith('AWS::') ? this.getAtt(...(splitOnce(name) as [string, string]), pointer) : this.ref(name, pointer);
      if (value === UNRESOLVED || value === NO_VALUE) {
        unresolved = true;
        return whole;
      }
      return String(value);
    });
    return unresolved ? UNRESOLVED : out;
  }

  private importValue(arg: unknown, argPointer: string, pointer: string): Result {
    const name = this.evaluate(arg, argPointer);
    if (name === UNRESOLVED) return UNRESOLVED;
    const exportName = String(name);
    if (exportName in this.params) return this.params[exportName];
    const exported = this.exports.get(exportName);
    if (!exported) {
      return this.fail(pointer, `Fn::ImportValue ${exportName}: no imported template exports it; import the exporting template too, or pass --param '${exportName}=<value>'.`);
    }
    return exported.evaluator.guarded(exported.pointer, pointer, () => exported.evaluator.evaluate(lookup(exported.evaluator.template.value, exported.pointer), exported.pointer));
  }

  /** Runs an evaluation that may recurse through other definitions, refusing cycles. */
  guarded(key: string, pointer: string, run: () => Result): Result {
    if (this.inProgress.has(key)) return this.fail(pointer, `circular reference through ${key}.`);
    this.inProgress.add(key);
    try {
      return run();
    } finally {
      this.inProgress.delete(key);
    }
  }
}

/** Adds every `Outputs.*.Export.Name` whose name can be evaluated to the table. */
export function collectExports(evaluator: IntrinsicEvaluator, table: ExportTable): void {
  const outputs = evaluator.template.value.Outputs;
  if (!isRecord(outputs)) return;
  for (const [id, output] of Object.entries(outputs)) {
    if (!isRecord(output) || !isRecord(output.Export)) continue;
    const name = evaluator.evaluateQuietly(output.Export.Name, `/Outputs/${id}/Export/Name`);
    if (typeof name === 'string') table.set(name, { evaluator, pointer: `/Outputs/${id}/Value` });
  }
}

export function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function splitOnce(text: string): string[] {
  const dot = text.indexOf('.');
  return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
}

function lookup(value: unknown, pointer: string): unknown {
  return pointer
    .slice(1)
    .split('/')
    .reduce<unknown>((node, segment) => (isRecord(node) ? node[segment.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), value);
}
