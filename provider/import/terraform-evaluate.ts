// Evaluates parsed Terraform expressions over plain values. Names the configuration defines
// (variables, locals, resources, data sources) are supplied lazily by the caller as LazyObjects,
// so only what an App Mesh resource needs is evaluated, and a cycle is reported. Whatever only
// Terraform or AWS knows (an id, a data source's answer) raises Unknowable, which names the
// `--param` that supplies it. Every evaluation has a step budget.
import { EvaluationError, Unknowable } from './terraform-errors';
import { Expr, SPLAT_ITEM } from './terraform-expression';
import { TERRAFORM_FUNCTIONS, asNumber, asString, asBool, isObject, sameValue, entriesOf } from './terraform-functions';

/** An object whose members are computed on access (a namespace like `var`, a resource instance). */
export interface LazyObject {
  readonly lazy: true;
  /** `var`, `aws_appmesh_mesh.x`, … for messages and `--param` keys. */
  readonly accessor: string;
  /** The member `.key`, or `[key]` when `indexed`. */
  get(key: string, indexed?: boolean): unknown;
  /** All members, for iteration (`for`, `keys`), when they can be listed. */
  entries?(): Array<[string, unknown]>;
}

export function isLazy(value: unknown): value is LazyObject {
  return typeof value === 'object' && value !== null && (value as LazyObject).lazy === true;
}

/** Evaluation steps allowed for one evaluator (one resource instance): ample for any real configuration. */
export const MAX_EVALUATION_STEPS = 100_000;
const MAX_STRING = 1024 * 1024;

export class Evaluator {
  private steps = 0;

  constructor(private readonly root: (name: string) => unknown) {}

  evaluate(expr: Expr, locals: ReadonlyMap<string, unknown> = new Map()): unknown {
    if (++this.steps > MAX_EVALUATION_STEPS) throw new EvaluationError(`evaluation took more than ${MAX_EVALUATION_STEPS} steps; simplify the expression or pass the value with --param.`);
    const value = this.step(expr, locals);
    if (typeof value === 'string' && value.length > MAX_STRING) throw new EvaluationError(`a value grew beyond ${MAX_STRING} characters.`);
    return value;
  }

  /** Evaluates and forces lazily computed namespaces into plain data (resource instances stay opaque). */
  plain(expr: Expr, locals?: ReadonlyMap<string, unknown>): unknown {
    return this.force(this.evaluate(expr, locals));
  }

  force(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.force(item));
    if (isLazy(value)) {
      if (!value.entries) return value; // a resource instance: only its attributes can be read
      return Object.fromEntries(value.entries().map(([k, v]) => [k, this.force(v)]));
    }
    // Terraform's maps and objects have no order; their keys are listed sorted, as in plan JSON.
    if (isObject(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, this.force(value[k])]));
    return value;
  }

  private step(expr: Expr, locals: ReadonlyMap<string, unknown>): unknown {
    switch (expr.type) {
      case 'literal':
        return expr.value;
      case 'template': {
        if (expr.parts.length === 1 && typeof expr.parts[0] === 'string') return expr.parts[0];
        return expr.parts.map((part) => (typeof part === 'string' ? part : asString(this.plain(part, locals)))).join('');
      }
      case 'variable':
        return locals.has(expr.name) ? locals.get(expr.name) : this.root(expr.name);
      case 'attr':
        return this.member(this.evaluate(expr.target, locals), expr.name);
      case 'index': {
        const target = this.evaluate(expr.target, locals);
        const key = this.plain(expr.key, locals);
        if (Array.isArray(target)) {
          const index = asNumber(key);
          if (!Number.isInteger(index) || index < 0 || index >= target.length) throw new EvaluationError(`index ${index} is out of range (the list has ${target.length} elements).`);
          return target[index];
        }
        if (isLazy(target)) return target.get(asString(key), true);
        return this.member(target, asString(key));
      }
      case 'splat': {
        const target = this.evaluate(expr.target, locals);
        const items = Array.isArray(target) ? target : target === null ? [] : [target];
        return items.map((item) => this.evaluate(expr.each, new Map([...locals, [SPLAT_ITEM, item]])));
      }
      case 'call':
        return this.call(expr, locals);
      case 'unary': {
        const operand = this.plain(expr.operand, locals);
        return expr.op === '!' ? !asBool(operand) : -asNumber(operand);
      }
      case 'binary':
        return this.binary(expr.op, expr.left, expr.right, locals);
      case 'conditional':
        return asBool(this.plain(expr.condition, locals)) ? this.evaluate(expr.then, locals) : this.evaluate(expr.else, locals);
      case 'tuple':
        return expr.items.map((item) => this.evaluate(item, locals));
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const item of expr.items) out[asString(this.plain(item.key, locals))] = this.evaluate(item.value, locals);
        return out;
      }
      case 'for':
        return this.forExpression(expr, locals);
    }
  }

  private member(target: unknown, name: string): unknown {
    if (isLazy(target)) return target.get(name);
    if (isObject(target)) {
      if (!(name in target)) throw new EvaluationError(`the object has no attribute "${name}" (it has ${Object.keys(target).join(', ') || 'none'}).`);
      return target[name];
    }
    if (Array.isArray(target) && /^\d+$/.test(name)) return target[Number(name)];
    throw new EvaluationError(`cannot read "${name}" of ${describe(target)}.`);
  }

  private binary(op: string, leftExpr: Expr, rightExpr: Expr, locals: ReadonlyMap<string, unknown>): unknown {
    const left = this.plain(leftExpr, locals);
    if (op === '&&' && !asBool(left)) return false;
    if (op === '||' && asBool(left)) return true;
    const right = this.plain(rightExpr, locals);
    switch (op) {
      case '&&':
      case '||':
        return asBool(right);
      case '==':
        return sameValue(left, right);
      case '!=':
        return !sameValue(left, right);
      case '<':
        return asNumber(left) < asNumber(right);
      case '>':
        return asNumber(left) > asNumber(right);
      case '<=':
        return asNumber(left) <= asNumber(right);
      case '>=':
        return asNumber(left) >= asNumber(right);
      case '+':
        return asNumber(left) + asNumber(right);
      case '-':
        return asNumber(left) - asNumber(right);
      case '*':
        return asNumber(left) * asNumber(right);
      case '/':
        return asNumber(left) / asNumber(right);
      default:
        return asNumber(left) % asNumber(right);
    }
  }

  private call(expr: Extract<Expr, { type: 'call' }>, locals: ReadonlyMap<string, unknown>): unknown {
    // try/can look at whether their arguments fail, so they receive them unevaluated.
    if (expr.name === 'try' || expr.name === 'can') {
      for (const arg of expr.args) {
        try {
          const value = this.plain(arg, locals);
          return expr.name === 'can' ? true : value;
        } catch (error) {
          if (error instanceof Unknowable) throw error;
          if (!(error instanceof EvaluationError)) throw error;
        }
      }
      if (expr.name === 'can') return false;
      throw new EvaluationError('no argument of try() could be evaluated.');
    }
    const fn = TERRAFORM_FUNCTIONS[expr.name];
    if (!fn) throw new EvaluationError(`function ${expr.name}() is not evaluated by the importer (known: ${Object.keys(TERRAFORM_FUNCTIONS).sort().join(', ')}, try, can).`);
    let args = expr.args.map((arg) => this.plain(arg, locals));
    if (expr.expand) {
      const last = args[args.length - 1];
      if (!Array.isArray(last)) throw new EvaluationError(`the argument expanded with "..." in ${expr.name}() is not a list.`);
      args = [...args.slice(0, -1), ...last];
    }
    try {
      return fn(args);
    } catch (error) {
      throw error instanceof EvaluationError ? new EvaluationError(`${expr.name}(): ${error.message}`) : error;
    }
  }

  private forExpression(expr: Extract<Expr, { type: 'for' }>, locals: ReadonlyMap<string, unknown>): unknown {
    const collection = this.plain(expr.collection, locals);
    const pairs = entriesOf(collection);
    const tuple: unknown[] = [];
    const object: Record<string, unknown> = {};
    for (const [key, value] of pairs) {
      const inner = new Map(locals);
      if (expr.keyVar) inner.set(expr.keyVar, key);
      inner.set(expr.valueVar, value);
      if (expr.condition && !asBool(this.plain(expr.condition, inner))) continue;
      if (expr.object) object[asString(this.plain(expr.key!, inner))] = this.evaluate(expr.value, inner);
      else tuple.push(this.evaluate(expr.value, inner));
    }
    return expr.object ? object : tuple;
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isLazy(value)) return value.accessor;
  return typeof value === 'object' ? 'an object' : `the ${typeof value} ${JSON.stringify(value)}`;
}
