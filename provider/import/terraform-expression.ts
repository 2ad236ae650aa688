// Parser of the Terraform expression language, as it appears in the `${…}` of .tf.json strings (and so
// in HCL, which @cdktf/hcl2json turns into that JSON form). hcl2json can print an expression's
// syntax tree, but only asynchronously and without the names of `for` variables or object keys, so
// expressions are parsed here: literals, templates, references with `.attr`/`[i]`/splats, function
// calls, operators, conditionals, tuples, objects and `for` expressions. Bounded in length and depth.

export type Expr =
  | { type: 'literal'; value: unknown }
  | { type: 'template'; parts: Array<string | Expr> }
  | { type: 'variable'; name: string }
  | { type: 'attr'; target: Expr; name: string }
  | { type: 'index'; target: Expr; key: Expr }
  | { type: 'splat'; target: Expr; each: Expr }
  | { type: 'call'; name: string; args: Expr[]; expand: boolean }
  | { type: 'unary'; op: '!' | '-'; operand: Expr }
  | { type: 'binary'; op: string; left: Expr; right: Expr }
  | { type: 'conditional'; condition: Expr; then: Expr; else: Expr }
  | { type: 'tuple'; items: Expr[] }
  | { type: 'object'; items: Array<{ key: Expr; value: Expr }> }
  | { type: 'for'; keyVar?: string; valueVar: string; collection: Expr; key?: Expr; value: Expr; condition?: Expr; object: boolean };

/** The placeholder a splat's `each` expression starts from. */
export const SPLAT_ITEM = '\u0000splat';

export const MAX_EXPRESSION_LENGTH = 64 * 1024;
export const MAX_EXPRESSION_DEPTH = 48;

export class ExpressionSyntaxError extends Error {}

/** Parses a whole .tf.json string as a template: `${…}` interpolations, `$${` escapes. */
export function parseTemplateString(text: string): Expr {
  if (text.length > MAX_EXPRESSION_LENGTH) throw new ExpressionSyntaxError(`the value is ${text.length} characters long; expressions over ${MAX_EXPRESSION_LENGTH} are refused.`);
  const parser = new Parser(text);
  const template = parser.template(undefined);
  // A lone interpolation keeps its type (a list stays a list), as in Terraform.
  if (template.type === 'template' && template.parts.length === 1 && typeof template.parts[0] !== 'string') return template.parts[0];
  return template;
}

/** Parses one expression (a -var value such as `["a","b"]`). */
export function parseExpression(text: string): Expr {
  if (text.length > MAX_EXPRESSION_LENGTH) throw new ExpressionSyntaxError(`the value is ${text.length} characters long; expressions over ${MAX_EXPRESSION_LENGTH} are refused.`);
  const parser = new Parser(text);
  const expr = parser.expression();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail('unexpected text after the expression');
  return expr;
}

const BINARY_LEVELS: string[][] = [['||'], ['&&'], ['==', '!='], ['<=', '>=', '<', '>'], ['+', '-'], ['*', '/', '%']];

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  fail(why: string): never {
    throw new ExpressionSyntaxError(`${why} at character ${this.pos + 1} of "${this.text.length > 80 ? this.text.slice(0, 77) + '…' : this.text}".`);
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    for (;;) {
      while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
      if (this.text.startsWith('#', this.pos) || this.text.startsWith('//', this.pos)) {
        while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
      } else if (this.text.startsWith('/*', this.pos)) {
        const end = this.text.indexOf('*/', this.pos + 2);
        this.pos = end < 0 ? this.text.length : end + 2;
      } else return;
    }
  }

  private peek(token: string): boolean {
    this.skipSpace();
    return this.text.startsWith(token, this.pos);
  }

  private eat(token: string): boolean {
    if (!this.peek(token)) return false;
    this.pos += token.length;
    return true;
  }

  private expect(token: string): void {
    if (!this.eat(token)) this.fail(`expected "${token}"`);
  }

  private identifier(): string | undefined {
    this.skipSpace();
    const match = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!match) return undefined;
    this.pos += match[0].length;
    return match[0];
  }

  private nested<T>(run: () => T): T {
    if (++this.depth > MAX_EXPRESSION_DEPTH) this.fail(`expression nested deeper than ${MAX_EXPRESSION_DEPTH} levels`);
    try {
      return run();
    } finally {
      this.depth--;
    }
  }

  expression(): Expr {
    return this.nested(() => {
      const condition = this.binary(0);
      if (!this.eat('?')) return condition;
      const then = this.expression();
      this.expect(':');
      return { type: 'conditional', condition, then, else: this.expression() };
    });
  }

  private binary(level: number): Expr {
    if (level === BINARY_LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      this.skipSpace();
      const op = BINARY_LEVELS[level].find((candidate) => this.text.startsWith(candidate, this.pos));
      if (!op) return left;
      this.pos += op.length;
      left = { type: 'binary', op, left, right: this.binary(level + 1) };
    }
  }

  private unary(): Expr {
    if (this.eat('!')) return this.nested(() => ({ type: 'unary', op: '!', operand: this.unary() }));
    if (this.eat('-')) {
      return this.nested(() => ({ type: 'unary', op: '-', operand: this.unary() }));
    }
    return this.postfix(this.primary());
  }

  private postfix(start: Expr): Expr {
    let expr = start;
    for (;;) {
      if (this.peek('[*]') || this.peek('.*')) {
        this.pos += 3 - (this.text[this.pos] === '.' ? 1 : 0);
        let each: Expr = { type: 'variable', name: SPLAT_ITEM };
        for (;;) {
          if (this.peek('.') && !this.peek('.*')) {
            this.pos++;
            each = { type: 'attr', target: each, name: this.attributeName() };
          } else if (this.peek('[') && !this.peek('[*]')) {
            this.pos++;
            each = { type: 'index', target: each, key: this.expression() };
            this.expect(']');
          } else break;
        }
        expr = { type: 'splat', target: expr, each };
      } else if (this.peek('.') && !this.peek('...')) {
        this.pos++;
        expr = { type: 'attr', target: expr, name: this.attributeName() };
      } else if (this.eat('[')) {
        expr = { type: 'index', target: expr, key: this.expression() };
        this.expect(']');
      } else return expr;
    }
  }

  private attributeName(): string {
    this.skipSpace();
    const digits = /^\d+/.exec(this.text.slice(this.pos));
    if (digits) {
      this.pos += digits[0].length;
      return digits[0];
    }
    return this.identifier() ?? this.fail('expected an attribute name after "."');
  }

  private primary(): Expr {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === undefined) this.fail('the expression ends early');
    if (ch === '"') {
      this.pos++;
      const template = this.template('"');
      this.pos++;
      return template;
    }
    if (ch === '<' && this.text.startsWith('<<', this.pos)) return this.heredoc();
    const number = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 64));
    if (number) {
      this.pos += number[0].length;
      return { type: 'literal', value: Number(number[0]) };
    }
    if (ch === '(') {
      this.pos++;
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    if (ch === '[') return this.nested(() => this.tupleOrFor());
    if (ch === '{') return this.nested(() => this.objectOrFor());
    const name = this.identifier();
    if (name === undefined) this.fail(`unexpected "${ch}"`);
    if (name === 'true' || name === 'false') return { type: 'literal', value: name === 'true' };
    if (name === 'null') return { type: 'literal', value: null };
    if (this.peek('::')) this.fail(`provider-defined functions (${name}::…) are not evaluated`);
    if (this.eat('(')) return this.nested(() => this.call(name));
    return { type: 'variable', name };
  }

  private call(name: string): Expr {
    const args: Expr[] = [];
    let expand = false;
    while (!this.eat(')')) {
      if (args.length > 0) this.expect(',');
      if (this.eat(')')) break; // trailing comma
      args.push(this.expression());
      if (this.eat('...')) expand = true;
    }
    return { type: 'call', name, args, expand };
  }

  private tupleOrFor(): Expr {
    this.expect('[');
    if (this.forKeyword()) return this.forExpression(']', false);
    const items: Expr[] = [];
    while (!this.eat(']')) {
      if (items.length > 0) this.expect(',');
      if (this.eat(']')) break;
      items.push(this.expression());
    }
    return { type: 'tuple', items };
  }

  private objectOrFor(): Expr {
    this.expect('{');
    if (this.forKeyword()) return this.forExpression('}', true);
    const items: Array<{ key: Expr; value: Expr }> = [];
    while (!this.eat('}')) {
      if (items.length > 0 && !this.eat(',')) this.skipSpace();
      if (this.eat('}')) break;
      const start = this.pos;
      const bare = this.identifier();
      let key: Expr;
      if (bare !== undefined && (this.peek('=') || this.peek(':')) && !this.peek('==')) key = { type: 'literal', value: bare };
      else {
        this.pos = start;
        key = this.expression();
      }
      if (!this.eat('=') && !this.eat(':')) this.fail('expected "=" or ":" after an object key');
      items.push({ key, value: this.expression() });
    }
    return { type: 'object', items };
  }

  private forKeyword(): boolean {
    this.skipSpace();
    if (!/^for\s/.test(this.text.slice(this.pos, this.pos + 4))) return false;
    this.pos += 3;
    return true;
  }

  private forExpression(close: string, object: boolean): Expr {
    const first = this.identifier() ?? this.fail('expected a variable name after "for"');
    let keyVar: string | undefined;
    let valueVar = first;
    if (this.eat(',')) {
      keyVar = first;
      valueVar = this.identifier() ?? this.fail('expected a second variable name');
    }
    if (this.identifier() !== 'in') this.fail('expected "in"');
    const collection = this.expression();
    this.expect(':');
    let key: Expr | undefined;
    if (object) {
      key = this.expression();
      this.expect('=>');
    }
    const value = this.expression();
    if (this.eat('...')) this.fail('grouping results with "..." in a for expression is not evaluated');
    let condition: Expr | undefined;
    const start = this.pos;
    if (this.identifier() === 'if') condition = this.expression();
    else this.pos = start;
    this.expect(close);
    return { type: 'for', keyVar, valueVar, collection, key, value, condition, object };
  }

  private heredoc(): Expr {
    const match = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)\n/.exec(this.text.slice(this.pos, this.pos + 260));
    if (!match) this.fail('malformed heredoc');
    this.pos += match[0].length;
    const end = new RegExp(`^[ \\t]*${match[2]}$`, 'm');
    const rest = this.text.slice(this.pos);
    const found = end.exec(rest);
    if (!found) this.fail(`heredoc ${match[2]} is not closed`);
    let body = rest.slice(0, found.index);
    this.pos += found.index + found[0].length;
    if (match[1] === '-') {
      const lines = body.split('\n');
      const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length));
      body = lines.map((l) => l.slice(indent)).join('\n');
    }
    return new Parser(body).template(undefined);
  }

  /** A template up to `close` (not consumed) or the end of the text. */
  template(close: string | undefined): Expr {
    const parts: Array<string | Expr> = [];
    let literal = '';
    while (this.pos < this.text.length && this.text[this.pos] !== close) {
      const rest = this.text.startsWith.bind(this.text);
      if (rest('$${', this.pos) || rest('%%{', this.pos)) {
        literal += this.text[this.pos + 1] + '{';
        this.pos += 3;
      } else if (rest('${', this.pos)) {
        this.pos += 2;
        this.eat('~');
        if (literal) parts.push(literal);
        literal = '';
        parts.push(this.expression());
        this.eat('~');
        this.expect('}');
      } else if (rest('%{', this.pos)) {
        this.fail('template directives (%{if}, %{for}) are not evaluated');
      } else if (close !== undefined && this.text[this.pos] === '\\') {
        literal += this.escape();
      } else {
        literal += this.text[this.pos++];
      }
    }
    if (close !== undefined && this.pos >= this.text.length) this.fail('the string is not closed');
    if (literal || parts.length === 0) parts.push(literal);
    return { type: 'template', parts };
  }

  private escape(): string {
    const next = this.text[this.pos + 1];
    this.pos += 2;
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
    if (next in simple) return simple[next];
    if (next === 'u' || next === 'U') {
      const length = next === 'u' ? 4 : 8;
      const hex = this.text.slice(this.pos, this.pos + length);
      if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== length) this.fail('malformed unicode escape');
      this.pos += length;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    return this.fail(`unknown escape \\${next}`);
  }
}
