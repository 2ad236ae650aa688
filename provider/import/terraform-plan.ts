// The resources of `terraform show -json` (state, or a saved plan) and of raw terraform.tfstate.
// In a plan, a value computed from another resource is unknown (`mesh_name =
// aws_appmesh_mesh.x.id` before the mesh exists): it is absent from planned_values and marked
// in resource_changes[].change.after_unknown. Such a value is resolved through the plan's
// `configuration`, which records which attribute the expression refers to: when it refers to
// exactly one attribute, that attribute's planned value is used (a mesh's id is its name).
// Anything else names the `--param <address>.<attribute>` that supplies it.
import { joinPointer } from '../model/diagnostic';
import { Unknowable } from './terraform-errors';
import { SourceLocation } from './report';
import { isRecord } from './shape';

export interface StateResource {
  type: string;
  /** `aws_appmesh_virtual_node.b[0]`, `module.m.aws_appmesh_mesh.x`. */
  address: string;
  values: Record<string, unknown>;
  at: SourceLocation;
  pointer: string;
  /** Unknown values that could not be resolved: the param to pass for each. */
  unresolved: Array<{ pointer: string; error: Unknowable }>;
}

/** Attributes the provider computes; an unknown one is not part of the definition. */
const COMPUTED_TOP_LEVEL = new Set(['id', 'arn', 'created_date', 'last_updated_date', 'resource_owner', 'mesh_owner', 'tags_all']);
/** References followed from one unknown value to the next (a → b → c) at most. */
const MAX_REFERENCE_HOPS = 16;

/** Whether the JSON is Terraform state or plan output this module reads. */
export function isStateOrPlan(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && (isRecord(value.values) || isRecord(value.planned_values) || (Array.isArray(value.resources) && 'version' in value));
}

export function stateResources(value: Record<string, unknown>, at: SourceLocation, params: Record<string, string>): StateResource[] {
  if (Array.isArray(value.resources)) return rawStateResources(value.resources, at);
  const key = isRecord(value.values) ? 'values' : 'planned_values';
  const root = (value[key] as Record<string, unknown>).root_module;
  const resources = isRecord(root) ? moduleResources(root, joinPointer('', key, 'root_module'), at) : [];
  if (key === 'planned_values') new PlanUnknowns(value, resources, params).resolve();
  return resources;
}

function rawStateResources(list: unknown[], at: SourceLocation): StateResource[] {
  return list.flatMap((resource, i) => {
    if (!isRecord(resource) || resource.mode !== 'managed' || !Array.isArray(resource.instances)) return [];
    const module = typeof resource.module === 'string' ? `${resource.module}.` : '';
    return resource.instances.flatMap((instance, j) => {
      if (!isRecord(instance) || !isRecord(instance.attributes)) return [];
      const index = instance.index_key === undefined ? '' : `[${JSON.stringify(instance.index_key)}]`;
      return [{ type: String(resource.type), address: `${module}${resource.type}.${resource.name}${index}`, values: instance.attributes, at, pointer: joinPointer('', 'resources', i, 'instances', j, 'attributes'), unresolved: [] }];
    });
  });
}

function moduleResources(module: Record<string, unknown>, pointer: string, at: SourceLocation): StateResource[] {
  const out: StateResource[] = [];
  (Array.isArray(module.resources) ? module.resources : []).forEach((resource, i) => {
    if (isRecord(resource) && resource.mode === 'managed' && isRecord(resource.values)) {
      out.push({ type: String(resource.type), address: String(resource.address ?? `${resource.type}.${resource.name}`), values: resource.values, at, pointer: joinPointer(pointer, 'resources', i, 'values'), unresolved: [] });
    }
  });
  (Array.isArray(module.child_modules) ? module.child_modules : []).forEach((child, i) => {
    if (isRecord(child)) out.push(...moduleResources(child, joinPointer(pointer, 'child_modules', i), at));
  });
  return out;
}

class PlanUnknowns {
  private readonly byAddress: Map<string, StateResource>;
  private readonly unknownByAddress = new Map<string, unknown>();

  constructor(private readonly plan: Record<string, unknown>, private readonly resources: StateResource[], private readonly params: Record<string, string>) {
    this.byAddress = new Map(resources.map((r) => [r.address, r]));
    for (const change of Array.isArray(plan.resource_changes) ? plan.resource_changes : []) {
      if (isRecord(change) && isRecord(change.change) && typeof change.address === 'string') this.unknownByAddress.set(change.address, change.change.after_unknown);
    }
  }

  resolve(): void {
    for (const resource of this.resources) {
      const unknown = this.unknownByAddress.get(resource.address);
      if (!isRecord(unknown)) continue;
      const expressions = this.configExpressions(resource.address);
      for (const [key, marks] of Object.entries(unknown)) {
        if (COMPUTED_TOP_LEVEL.has(key)) continue;
        this.fill(resource, resource.values, key, marks, expressions, [key], 0);
      }
    }
    for (const resource of this.resources) {
      const expressions = this.configExpressions(resource.address);
      if (expressions) pruneDefaults(resource.values, expressions);
    }
  }

  /**
   * Sets every unknown value below `container[key]` from the configuration expression at the same
   * place (`scope[key]`, `scope` being the expressions of the enclosing block). An unknown value
   * the configuration does not set is one the provider computes (a weighted target's `port`):
   * not part of the definition.
   */
  private fill(resource: StateResource, container: Record<string, unknown> | unknown[], key: string | number, marks: unknown, scope: unknown, path: Array<string | number>, hops: number): void {
    const expression = isRecord(scope) || Array.isArray(scope) ? (scope as Record<string | number, unknown>)[key] : undefined;
    const slot = container as Record<string | number, unknown>;
    if (marks === true) {
      if (expression === undefined && isRecord(scope)) {
        delete slot[key];
        return;
      }
      try {
        slot[key] = this.valueOf(resource, path, expression, hops);
      } catch (error) {
        if (!(error instanceof Unknowable)) throw error;
        resource.unresolved.push({ pointer: joinPointer(resource.pointer, ...path), error });
      }
      return;
    }
    const here = slot[key];
    if (Array.isArray(marks) && Array.isArray(here)) {
      marks.forEach((mark, i) => this.fill(resource, here, i, mark, expression, [...path, i], hops));
    } else if (isRecord(marks) && isRecord(here)) {
      for (const [inner, mark] of Object.entries(marks)) this.fill(resource, here, inner, mark, expression, [...path, inner], hops);
    }
  }

  private valueOf(resource: StateResource, path: Array<string | number>, expression: unknown, hops: number): unknown {
    const accessor = `${resource.address}.${path.filter((p) => typeof p === 'string').join('.')}`;
    if (Object.prototype.hasOwnProperty.call(this.params, accessor)) return this.params[accessor];
    const references = isRecord(expression) && Array.isArray(expression.references) ? expression.references.filter((r): r is string => typeof r === 'string') : [];
    // Terraform lists `aws_appmesh_mesh.x.id` and its prefix `aws_appmesh_mesh.x`; the longest names the attribute.
    const attributes = references.filter((r) => !references.some((other) => other !== r && other.startsWith(`${r}.`)) && !r.startsWith('var.') && !r.startsWith('local.'));
    if (attributes.length !== 1 || hops >= MAX_REFERENCE_HOPS) {
      throw new Unknowable(accessor, `${accessor} is unknown in the plan${attributes.length > 1 ? ` (computed from ${attributes.join(', ')})` : ''}`);
    }
    return this.attribute(attributes[0], resource, accessor, hops);
  }

  /** The planned value of `type.name[index].attr` (module-relative to `from`). */
  private attribute(reference: string, from: StateResource, accessor: string, hops: number): unknown {
    const match = /^(.*)\.([a-z_][a-z0-9_]*)$/.exec(reference);
    if (!match) throw new Unknowable(accessor, `${accessor} is unknown in the plan`);
    const modulePrefix = /^((?:module\.[^.]+(?:\[[^\]]+\])?\.)*)/.exec(from.address)![1];
    const target = this.instance(`${modulePrefix}${match[1]}`, from);
    const attr = match[2];
    if (!target) throw new Unknowable(accessor, `${accessor} refers to ${match[1]}, which is not in the plan`);
    if (target.values[attr] !== undefined && target.values[attr] !== null) return target.values[attr];
    const unknown = this.unknownByAddress.get(target.address);
    // The provider sets a mesh's id to its name.
    if (attr === 'id' && target.type === 'aws_appmesh_mesh' && typeof target.values.name === 'string') return target.values.name;
    if (isRecord(unknown) && unknown[attr] === true && !COMPUTED_TOP_LEVEL.has(attr)) {
      return this.valueOf(target, [attr], this.configExpressions(target.address)?.[attr], hops + 1);
    }
    throw new Unknowable(accessor, `${accessor} is ${reference}, which is known only after Terraform creates ${target.address}`);
  }

  /** The instance a reference means: exact address, the only instance, or the one with the referrer's index. */
  private instance(address: string, from: StateResource): StateResource | undefined {
    const exact = this.byAddress.get(address);
    if (exact) return exact;
    const instances = this.resources.filter((r) => r.address.startsWith(`${address}[`));
    if (instances.length === 1) return instances[0];
    const index = /(\[[^\]]+\])$/.exec(from.address)?.[1];
    return index ? this.byAddress.get(`${address}${index}`) : undefined;
  }

  /** The `expressions` of the configuration block an address was planned from. */
  private configExpressions(address: string): Record<string, unknown> | undefined {
    const configuration = this.plan.configuration;
    if (!isRecord(configuration)) return undefined;
    let module: unknown = configuration.root_module;
    const parts = address.replace(/\[[^\]]*\]/g, '').split('.');
    while (parts[0] === 'module' && parts.length > 2) {
      const call = isRecord(module) && isRecord(module.module_calls) ? module.module_calls[parts[1]] : undefined;
      module = isRecord(call) ? call.module : undefined;
      parts.splice(0, 2);
    }
    const blockAddress = parts.join('.');
    const resource = isRecord(module) && Array.isArray(module.resources) ? module.resources.find((r) => isRecord(r) && r.address === blockAddress) : undefined;
    return isRecord(resource) && isRecord(resource.expressions) ? resource.expressions : undefined;
  }
}

/**
 * Drops the values the provider filled in (defaults such as a metadata match's `invert: false`)
 * where the configuration sets nothing, so a plan imports as its configuration does. Blocks the
 * configuration does not list are kept whole: `dynamic` blocks are not in its expressions.
 */
function pruneDefaults(values: Record<string, unknown>, expressions: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(values)) {
    const expression = expressions[key];
    const isBlock = Array.isArray(value) && value.length > 0 && value.every(isRecord);
    if (expression === undefined) {
      if (!isBlock && !COMPUTED_TOP_LEVEL.has(key)) delete values[key];
      continue;
    }
    if (!isBlock || !Array.isArray(expression)) continue;
    // Elements of a set of blocks are not in configuration order: prune each with every element's keys.
    const keys = Object.assign({}, ...expression.filter(isRecord)) as Record<string, unknown>;
    for (const element of value as Array<Record<string, unknown>>) pruneDefaults(element, keys);
  }
}
