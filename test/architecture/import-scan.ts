// Reads the import statements of the project's TypeScript sources, so layer rules can be checked
// against the code itself rather than against a picture of it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** One import of one file: both paths repo-relative with `/` separators, the target without extension. */
export interface ImportEdge {
  file: string;
  line: number;
  specifier: string;
  target: string;
}

/** A folder (`provider/`) that must not import another (`reconciler/`), and why. */
export interface LayerRule {
  from: string;
  mayNotImport: string;
  why: string;
  /** Also not through other folders (`a → b → c`): for two folders that must not form a circle. */
  transitive?: boolean;
}

/** Every relative import, `export … from`, `import()` and `require()` of one source text. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .filter((ref) => ref.fileName.startsWith('.'))
    .map((ref) => ({
      file,
      line: text.slice(0, ref.pos).split('\n').length,
      specifier: ref.fileName,
      target: path.posix.normalize(path.posix.join(path.posix.dirname(file), ref.fileName)),
    }));
}

/** The `.ts` files under `folders` of `root` (declaration files excluded), repo-relative. */
export function sourceFiles(root: string, folders: string[]): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(child);
    }
  };
  for (const folder of folders) if (fs.existsSync(path.join(root, folder))) walk(folder);
  return found.sort();
}

/** The imports that break a rule, each as `file:line imports 'specifier' (rule)`. */
export function layerViolations(edges: ImportEdge[], rules: LayerRule[]): string[] {
  const violations: string[] = [];
  for (const edge of edges) {
    for (const rule of rules) {
      if (within(edge.file, rule.from) && within(edge.target, rule.mayNotImport)) {
        violations.push(`${edge.file}:${edge.line} imports '${edge.specifier}': ${rule.from} may not import ${rule.mayNotImport} (${rule.why})`);
      }
    }
  }
  return violations;
}

/** The chains by which a `transitive` rule's folder still reaches the forbidden one, each as `a.ts → b → c`. */
export function reachViolations(edges: ImportEdge[], rules: LayerRule[]): string[] {
  const sources = new Set(edges.map((e) => e.file.replace(/\.ts$/, '')));
  const resolve = (target: string) => (sources.has(target) || !sources.has(`${target}/index`) ? target : `${target}/index`);
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    const from = edge.file.replace(/\.ts$/, '');
    next.set(from, [...(next.get(from) ?? []), resolve(edge.target)]);
  }
  const violations: string[] = [];
  for (const rule of rules.filter((r) => r.transitive)) {
    const starts = [...sources].filter((file) => within(file, rule.from)).sort();
    const cameFrom = new Map<string, string>(starts.map((file) => [file, '']));
    const queue = [...starts];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (within(file, rule.mayNotImport)) {
        const chain = [file];
        for (let at = cameFrom.get(file)!; at !== ''; at = cameFrom.get(at)!) chain.unshift(at);
        violations.push(`${chain.join(' → ')}: ${rule.from} may not reach ${rule.mayNotImport} even indirectly (${rule.why})`);
        continue;
      }
      for (const target of next.get(file) ?? []) {
        if (!cameFrom.has(target)) {
          cameFrom.set(target, file);
          queue.push(target);
        }
      }
    }
  }
  return violations;
}

function within(file: string, folder: string): boolean {
  return file === folder.replace(/\/$/, '') || file.startsWith(folder.endsWith('/') ? folder : folder + '/');
}

