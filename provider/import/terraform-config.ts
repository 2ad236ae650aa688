// One Terraform module's configuration (every .tf and .tf.json file of a directory, as JSON)
// evaluated the way `terraform plan` would for what App Mesh definitions need: variables
// (--param, var files, defaults), locals, `count`/`for_each` instances with count.index and
// each.key/each.value, `dynamic` blocks, references to other resources' configured attributes (a
// mesh's id is its name) and data sources' arguments. Anything else — ids, ARNs, data source
// answers — is reported with the exact `--param` that supplies it, which is then used as is.
import { joinPointer } from '../model/diagnostic';
import { EvaluationError, Unknowable } from './terraform-errors';
import { Evaluator, LazyObject } from './terraform-evaluate';
import { ExpressionSyntaxError, Expr, parseExpression, parseTemplateString } from './terraform-expression';
import { asNumber, asString, entriesOf } from './terraform-functions';
import { ImportReport, SourceLocation } from './report';
import { isRecord } from './shape';

/** Instances one `count`/`for_each` may create: a mesh has far fewer resources. */
export const MAX_INSTANCES = 1000;
/** `dynamic` blocks one block may generate. */
const MAX_DYNAMIC_BLOCKS = 1000;

/** Blocks and arguments Terraform itself interprets; none is part of a resource's definition. */
export const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection', '//']);

export interface ConfigFile {
  value: Record<string, unknown>;
  at: SourceLocation;
}

/** A resource instance of the configuration with its arguments evaluated to plain values. */
export interface EvaluatedInstance {
  type: string;
  /** `aws_appmesh_virtual_node.b`, `aws_appmesh_virtual_node.b[0]`, `aws_appmesh_virtual_node.b["x"]`. */
  address: string;
  body: Record<string, unknown>;
  at: SourceLocation;
  pointer: string;
}

export interface ModuleInputs {
  /** `--param` values: variables by name or `var.name`, `local.x`, any reference such as `data.t.n.attr`. */
  params: Record<string, string>;
  /** Variable values from var files, later files winning. */
  varFileValues: Record<string, unknown>;
  /** For a module called by another: the call's arguments, its only variable values besides defaults. */
  arguments?: Record<string, unknown>;
}

/** One instance of a `module` block whose source is a local directory. */
export interface ModuleCall {
  /** `module.name`, `module.name[0]`, `module.name["k"]`. */
  address: string;
  /** The source as written (`./modules/mesh`). */
  source: string;
  /** The evaluated arguments, or undefined when some could not be evaluated (reported). */
  arguments?: Record<string, unknown>;
}

/** Arguments of a `module` block that Terraform itself interprets. */
const MODULE_META_ARGUMENTS = new Set(['source', 'version', 'providers']);

interface Block {
  type: string;
  name: string;
  body: Record<string, unknown>;
  at: SourceLocation;
  pointer: string;
}

interface InstanceContext {
  countIndex?: number;
  eachKey?: string;
  eachValue?: unknown;
  /** The iterators of the `dynamic` blocks being expanded (`listener.value`). */
  iterators?: Readonly<Record<string, unknown>>;
}

export class TerraformModule {
  private readonly variables = new Map<string, { body: Record<string, unknown>; at: SourceLocation; pointer: string }>();
  private readonly locals = new Map<string, { value: unknown; at: SourceLocation; pointer: string }>();
  private readonly resources = new Map<string, Block>();
  private readonly data = new Map<string, Block>();
  private readonly modules = new Map<string, Block>();
  private readonly parsed = new Map<string, Expr>();
  private readonly cache = new Map<string, { value: unknown } | { error: unknown }>();
  private readonly evaluating = new Set<string>();
  private readonly reported = new Set<string>();
  private readonly instancesOf = new Map<string, Array<{ address: string; context: InstanceContext }> | undefined>();

  constructor(files: readonly ConfigFile[], private readonly inputs: ModuleInputs, private readonly report: ImportReport) {
    for (const file of files) this.add(file);
  }

  /** The managed resource blocks declared. */
  get resourceBlocks(): ReadonlyArray<{ type: string; at: SourceLocation; pointer: string }> {
    return [...this.resources.values()];
  }

  /** Every instance of the resources of `types`, evaluated; failures are reported and left out. */
  evaluateResources(types: ReadonlySet<string>): EvaluatedInstance[] {
    const out: EvaluatedInstance[] = [];
    for (const block of this.resources.values()) {
      if (!types.has(block.type)) continue;
      const instances = this.instances(block);
      for (const instance of instances ?? []) {
        const failures: string[] = [];
        const body = this.evaluateValue(withoutMetaArguments(block.body), instance.context, block, block.pointer, failures);
        if (failures.length > 0) {
          this.report.error('IMPORT-SKIPPED', `${instance.address} was not imported: ${failures.length === 1 ? 'a value' : `${failures.length} values`} could not be evaluated (see the IMPORT-UNRESOLVED findings of this block).`, block.at, block.pointer);
          continue;
        }
        out.push({ type: block.type, address: instance.address, body: body as Record<string, unknown>, at: block.at, pointer: block.pointer });
      }
    }
    return out;
  }

  /** Every instance of the `module` blocks calling a local directory, with its arguments evaluated here. */
  moduleCalls(): ModuleCall[] {
    const out: ModuleCall[] = [];
    for (const block of this.modules.values()) {
      const source = block.body.source;
      if (typeof source !== 'string' || !/^\.\.?\//.test(source)) continue; // registry and remote modules are not read
      for (const instance of this.instances(block) ?? []) {
        const failures: string[] = [];
        const body = Object.fromEntries(Object.entries(withoutMetaArguments(block.body)).filter(([key]) => !MODULE_META_ARGUMENTS.has(key)));
        const evaluated = this.evaluateValue(body, instance.context, block, block.pointer, failures) as Record<string, unknown>;
        out.push({ address: instance.address, source, arguments: failures.length === 0 ? evaluated : undefined });
      }
    }
    return out;
  }

  private add(file: ConfigFile): void {
    const config = file.value;
    for (const [name, body, pointer] of labelled(config.variable, '/variable')) {
      if (isRecord(body)) this.variables.set(name, { body, at: file.at, pointer });
    }
    asBlocks(config.locals, '/locals').forEach(([block, pointer]) => {
      for (const [name, value] of Object.entries(block)) if (name !== '//') this.locals.set(name, { value, at: file.at, pointer: joinPointer(pointer, name) });
    });
    for (const [name, body, pointer] of labelled(config.module, '/module')) {
      if (isRecord(body)) this.modules.set(name, { type: 'module', name, body, at: file.at, pointer });
    }
    for (const [kind, into] of [['resource', this.resources], ['data', this.data]] as const) {
      asBlocks(config[kind], `/${kind}`).forEach(([byType, typePointer]) => {
        for (const [type, byName] of Object.entries(byType)) {
          for (const [name, body, pointer] of labelled(byName, joinPointer(typePointer, type))) {
            if (isRecord(body)) into.set(`${type}.${name}`, { type, name, body, at: file.at, pointer });
          }
        }
      });
    }
  }

  // ---- instances ---------------------------------------------------------------------------

  /** The instances of a block, or undefined when its count/for_each could not be evaluated (reported). */
  private instances(block: Block): Array<{ address: string; context: InstanceContext }> | undefined {
    const key = `${block.type}.${block.name}`;
    if (this.instancesOf.has(key)) return this.instancesOf.get(key);
    this.instancesOf.set(key, undefined); // a count that refers to its own resource is a cycle
    let instances: Array<{ address: string; context: InstanceContext }> | undefined;
    const failures: string[] = [];
    if (block.body.count !== undefined) {
      const count = this.evaluateValue(block.body.count, {}, block, joinPointer(block.pointer, 'count'), failures);
      if (failures.length === 0) {
        const n = this.checked(() => asNumber(count), block, joinPointer(block.pointer, 'count'), 'count', failures);
        if (n !== undefined && (!Number.isInteger(n) || n < 0 || n > MAX_INSTANCES)) {
          this.report.error('IMPORT-LIMIT', `${key}: count is ${n}; a whole number from 0 to ${MAX_INSTANCES} is needed.`, block.at, joinPointer(block.pointer, 'count'));
        } else if (n !== undefined) {
          instances = Array.from({ length: n }, (_, i) => ({ address: `${key}[${i}]`, context: { countIndex: i } }));
        }
      }
    } else if (block.body.for_each !== undefined) {
      const pointer = joinPointer(block.pointer, 'for_each');
      const collection = this.evaluateValue(block.body.for_each, {}, block, pointer, failures);
      if (failures.length === 0) {
        const entries = this.checked(() => entriesOf(collection), block, pointer, 'for_each', failures);
        if (entries && entries.length > MAX_INSTANCES) {
          this.report.error('IMPORT-LIMIT', `${key}: for_each has ${entries.length} elements; at most ${MAX_INSTANCES} are imported.`, block.at, pointer);
        } else if (entries) {
          // A set (list) is keyed by its string values; a map by its keys.
          instances = entries.map(([k, v]) => {
            const eachKey = Array.isArray(collection) ? asString(v) : String(k);
            return { address: `${key}[${JSON.stringify(eachKey)}]`, context: { eachKey, eachValue: v } };
          });
        }
      }
    } else {
      instances = [{ address: key, context: {} }];
    }
    if (!instances && failures.length > 0) this.report.error('IMPORT-SKIPPED', `${key} was not imported: its instances could not be counted.`, block.at, block.pointer);
    this.instancesOf.set(key, instances);
    return instances;
  }

  private checked<T>(run: () => T, block: Block, pointer: string, what: string, failures: string[]): T | undefined {
    try {
      return run();
    } catch (error) {
      if (!(error instanceof EvaluationError)) throw error;
      failures.push(pointer);
      this.report.error('IMPORT-UNRESOLVED', `${block.type}.${block.name}: ${what}: ${error.message}`, block.at, pointer);
      return undefined;
    }
  }

  // ---- evaluation --------------------------------------------------------------------------

  /** A JSON value of the configuration with every string evaluated; failures reported at their pointer. */
  private evaluateValue(value: unknown, context: InstanceContext, block: Block | undefined, pointer: string, failures: string[], at?: SourceLocation): unknown {
    const where = at ?? block!.at;
    if (typeof value === 'string') {
      try {
        const evaluator = new Evaluator((name) => this.root(name, context));
        return evaluator.plain(this.parse(value));
      } catch (error) {
        if (!(error instanceof Unknowable || error instanceof EvaluationError || error instanceof ExpressionSyntaxError)) throw error;
        failures.push(pointer);
        const subject = block ? `${block.type}.${block.name}: ` : '';
        const fix = error instanceof Unknowable ? '' : ' Write the value itself, or pass the variable or reference it comes from with --param.';
        const message = `${subject}${JSON.stringify(value)}: ${error.message.replace(/\.$/, '')}.${fix}`;
        // A value another resource refers to is evaluated again there: report it once.
        const key = `${where.file}#${pointer}#${message}`;
        if (!this.reported.has(key)) {
          this.reported.add(key);
          this.report.error('IMPORT-UNRESOLVED', message, where, pointer);
        }
        return undefined;
      }
    }
    if (Array.isArray(value)) return value.map((item, i) => this.evaluateValue(item, context, block, joinPointer(pointer, i), failures, at));
    if (!isRecord(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (key === '//') continue; // cdktf metadata and .tf.json comments
      if (key === 'dynamic') {
        this.expandDynamic(member, out, context, block, joinPointer(pointer, key), failures);
        continue;
      }
      out[key] = this.evaluateValue(member, context, block, joinPointer(pointer, key), failures, at);
    }
    return out;
  }

  /** `dynamic "listener" { for_each = …; content { … } }`: one `listener` block per element. */
  private expandDynamic(dynamic: unknown, out: Record<string, unknown>, context: InstanceContext, block: Block | undefined, pointer: string, failures: string[]): void {
    for (const [blockType, definition, at] of labelled(dynamic, pointer)) {
      if (!isRecord(definition)) continue;
      const iterator = typeof definition.iterator === 'string' ? definition.iterator.replace(/^\$\{(.*)\}$/, '$1') : blockType;
      const before = failures.length;
      const collection = this.evaluateValue(definition.for_each, context, block, joinPointer(at, 'for_each'), failures);
      if (failures.length > before) continue;
      let entries: Array<[string | number, unknown]>;
      try {
        entries = entriesOf(collection);
        if (entries.length > MAX_DYNAMIC_BLOCKS) throw new EvaluationError(`for_each has ${entries.length} elements; at most ${MAX_DYNAMIC_BLOCKS} are expanded`);
      } catch (error) {
        if (!(error instanceof EvaluationError)) throw error;
        failures.push(at);
        this.report.error('IMPORT-UNRESOLVED', `dynamic "${blockType}": ${error.message}.`, block!.at, joinPointer(at, 'for_each'));
        continue;
      }
      const content = asBlocks(definition.content, joinPointer(at, 'content'))[0];
      const generated = entries.map(([key, value]) => {
        const inner: InstanceContext = { ...context, iterators: { ...context.iterators, [iterator]: { key, value } } };
        return this.evaluateValue(content?.[0] ?? {}, inner, block, content?.[1] ?? at, failures);
      });
      const existing = out[blockType];
      out[blockType] = [...(Array.isArray(existing) ? existing : existing === undefined ? [] : [existing]), ...generated];
    }
  }

  private parse(text: string): Expr {
    let expr = this.parsed.get(text);
    if (!expr) {
      expr = parseTemplateString(text);
      this.parsed.set(text, expr);
    }
    return expr;
  }

  /** The value of a top-level name in an expression. */
  private root(name: string, context: InstanceContext): unknown {
    if (context.iterators && Object.prototype.hasOwnProperty.call(context.iterators, name)) return context.iterators[name];
    switch (name) {
      case 'var':
        return lazy('var', (key) => this.variable(key));
      case 'local':
        return lazy('local', (key) => this.local(key));
      case 'count':
        if (context.countIndex === undefined) throw new EvaluationError('count.index is only available in a resource with count');
        return { index: context.countIndex };
      case 'each':
        if (context.eachKey === undefined) throw new EvaluationError('each.key and each.value are only available in a resource with for_each');
        return { key: context.eachKey, value: context.eachValue };
      case 'terraform':
        return { workspace: this.inputs.params['terraform.workspace'] ?? 'default' };
      case 'path':
        return lazy('path', (key) => this.param(`path.${key}`) ?? unknowable(`path.${key}`, `path.${key} is the directory Terraform runs in`));
      case 'module':
        return lazy('module', (call) => lazy(`module.${call}`, (output) => this.param(`module.${call}.${output}`) ?? unknowable(`module.${call}.${output}`, `module.${call}.${output} is an output of a module the importer does not evaluate`)));
      case 'data':
        return lazy('data', (type) => lazy(`data.${type}`, (dataName) => this.dataSource(type, dataName)));
      default:
        if (/^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(name)) return lazy(name, (resourceName) => this.resource(name, resourceName));
        throw new EvaluationError(`"${name}" is not a name Terraform defines here`);
    }
  }

  private param(key: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(this.inputs.params, key) ? this.inputs.params[key] : undefined;
  }

  private variable(name: string): unknown {
    return this.memo(`var.${name}`, () => {
      const declared = this.variables.get(name);
      if (this.inputs.arguments && Object.prototype.hasOwnProperty.call(this.inputs.arguments, name)) return this.inputs.arguments[name];
      const given = this.inputs.arguments ? undefined : (this.param(name) ?? this.param(`var.${name}`));
      if (given !== undefined) return this.fromParam(given, declared?.body.type);
      if (!this.inputs.arguments && Object.prototype.hasOwnProperty.call(this.inputs.varFileValues, name)) return this.constant(this.inputs.varFileValues[name]);
      if (!declared) throw new EvaluationError(`no variable "${name}" is declared`);
      if (declared.body.default === undefined) {
        if (this.inputs.arguments) throw new EvaluationError(`the module call sets no variable ${name}, which has no default`);
        return unknowable(name, `variable ${name} has no default`);
      }
      const failures: string[] = [];
      const value = this.evaluateValue(declared.body.default, {}, undefined, joinPointer(declared.pointer, 'default'), failures, declared.at);
      if (failures.length > 0) throw new EvaluationError(`the default of variable ${name} cannot be evaluated`);
      return value;
    });
  }

  private local(name: string): unknown {
    const given = this.param(`local.${name}`);
    if (given !== undefined) return this.fromParam(given, undefined);
    const local = this.locals.get(name);
    if (!local) throw new EvaluationError(`no local value "${name}" is defined`);
    return this.memo(`local.${name}`, () => {
      const evaluator = new Evaluator((root) => this.root(root, {}));
      return this.evaluateJson(local.value, evaluator);
    });
  }

  /**
   * A local's or var file's value: strings are evaluated, errors propagate to the expression that
   * used it (reported there), so the first unresolved name is the one the user is told about.
   */
  private evaluateJson(value: unknown, evaluator: Evaluator): unknown {
    if (typeof value === 'string') return evaluator.plain(this.parse(value));
    if (Array.isArray(value)) return value.map((item) => this.evaluateJson(item, evaluator));
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).filter(([k]) => k !== '//').map(([k, v]) => [k, this.evaluateJson(v, evaluator)]));
    return value;
  }

  private constant(value: unknown): unknown {
    return this.evaluateJson(value, new Evaluator((name) => {
      throw new EvaluationError(`"${name}" cannot be referred to in a variable value`);
    }));
  }

  /** A --param value: `[...]`/`{...}` are HCL values (as with `terraform -var`), anything else a string. */
  private fromParam(text: string, type: unknown): unknown {
    const declaredString = typeof type === 'string' && /^(\$\{)?string\}?$/.test(type);
    if (declaredString || !/^\s*[[{]/.test(text)) return text;
    try {
      return new Evaluator(() => {
        throw new EvaluationError('a --param value cannot refer to names');
      }).plain(parseExpression(text));
    } catch (error) {
      if (error instanceof ExpressionSyntaxError || error instanceof EvaluationError) throw new EvaluationError(`the --param value ${JSON.stringify(text)} is not a valid value: ${error.message}`);
      throw error;
    }
  }

  /** Each name is evaluated once (its failure too, so it is reported once). */
  private memo(key: string, compute: () => unknown): unknown {
    let cached = this.cache.get(key);
    if (!cached) {
      if (this.evaluating.has(key)) throw new EvaluationError(`circular reference through ${key}`);
      this.evaluating.add(key);
      try {
        cached = { value: compute() };
      } catch (error) {
        if (!(error instanceof Unknowable || error instanceof EvaluationError)) throw error;
        cached = { error };
      } finally {
        this.evaluating.delete(key);
      }
      this.cache.set(key, cached);
    }
    if ('error' in cached) throw cached.error;
    return cached.value;
  }

  private resource(type: string, name: string): unknown {
    const key = `${type}.${name}`;
    const block = this.resources.get(key);
    if (!block) {
      // Not in the imported files: every attribute must be supplied.
      return instanceLazy(key, (attr, address) => this.param(`${address}.${attr}`) ?? unknowable(`${address}.${attr}`, `${key} is not declared in the imported files`));
    }
    const instances = this.instances(block);
    if (!instances) throw new EvaluationError(`the instances of ${key} could not be counted`);
    const refs = instances.map(({ address, context }) => instanceLazy(address, (attr) => this.attribute(block, address, context, attr)));
    if (block.body.count !== undefined) return refs;
    if (block.body.for_each !== undefined) return Object.fromEntries(instances.map(({ context }, i) => [context.eachKey!, refs[i]]));
    return refs[0];
  }

  private attribute(block: Block, address: string, context: InstanceContext, attr: string): unknown {
    const given = this.param(`${address}.${attr}`);
    if (given !== undefined) return given;
    if (attr in block.body && !META_ARGUMENTS.has(attr)) {
      return this.memo(`${address}.${attr}`, () => {
        const failures: string[] = [];
        // Failures are reported where the value is defined; the referring value fails too.
        const value = this.evaluateValue(block.body[attr], context, block, joinPointer(block.pointer, attr), failures);
        if (failures.length > 0) throw new Unknowable(`${address}.${attr}`, `${address}.${attr} cannot be evaluated (see the finding at its definition)`);
        return value;
      });
    }
    // The provider sets a mesh's id to its name.
    if (attr === 'id' && block.type === 'aws_appmesh_mesh' && 'name' in block.body) return this.attribute(block, address, context, 'name');
    return unknowable(`${address}.${attr}`, `${address}.${attr} is known only after Terraform creates the resource`);
  }

  private dataSource(type: string, name: string): unknown {
    const key = `data.${type}.${name}`;
    const block = this.data.get(`${type}.${name}`);
    return instanceLazy(key, (attr, address) => {
      const given = this.param(`${address}.${attr}`);
      if (given !== undefined) return given;
      // A data source's arguments are also its attributes (data "aws_appmesh_mesh" "m" { name = "x" }).
      if (block && attr in block.body && !META_ARGUMENTS.has(attr)) return this.attribute(block, address, {}, attr);
      return unknowable(`${address}.${attr}`, `${address}.${attr} is read from AWS by Terraform`);
    });
  }
}

function unknowable(accessor: string, why: string): never {
  throw new Unknowable(accessor, why);
}

function lazy(accessor: string, get: (key: string) => unknown): LazyObject {
  return { lazy: true, accessor, get };
}

/** A resource instance: `.attr` reads an attribute; `[i]` on an unexpanded reference addresses an instance. */
function instanceLazy(address: string, get: (attr: string, address: string) => unknown): LazyObject {
  return {
    lazy: true,
    accessor: address,
    get: (key, indexed) => (indexed ? instanceLazy(`${address}[${/^\d+$/.test(key) ? key : JSON.stringify(key)}]`, get) : get(key, address)),
  };
}

function withoutMetaArguments(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !META_ARGUMENTS.has(key)));
}

/** A block value that may be one object or a list of objects (HCL JSON allows both). */
function asBlocks(value: unknown, pointer: string): Array<[Record<string, unknown>, string]> {
  if (Array.isArray(value)) return value.flatMap((item, i) => (isRecord(item) ? [[item, joinPointer(pointer, i)] as [Record<string, unknown>, string]] : []));
  return isRecord(value) ? [[value, pointer]] : [];
}

/** `{ label: body }` or `{ label: [body] }` (HCL JSON), or a list of such objects. */
function labelled(value: unknown, pointer: string): Array<[string, unknown, string]> {
  return asBlocks(value, pointer).flatMap(([byLabel, at]) =>
    Object.entries(byLabel)
      .filter(([label]) => label !== '//')
      .flatMap(([label, body]) => asBlocks(body, joinPointer(at, label)).map(([one, p]) => [label, one, p] as [string, unknown, string])),
  );
}
