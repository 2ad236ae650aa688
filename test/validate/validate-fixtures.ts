// Test helpers: load a fixture environment the way the daemon does and run the kind-rule
// and graph layers on it (the schema layer is tested on its own).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Diagnostic } from '../../provider/model/diagnostic';
import { MeshModel } from '../../provider/model/mesh-model';
import { Resource } from '../../provider/model/resource';
import { validateGraph } from '../../provider/validate/graph-layer';
import { validateKindRules } from '../../provider/validate/kind-layer';
import { RuleContext } from '../../provider/validate/rule-context';
import { WorkingTreeSource } from '../../reconciler/load/file-source';
import { loadEnvironment, LoadedEnvironment } from '../../reconciler/load/load-environment';

/** Source folder of the fixtures (tests run from dist/, the YAML stays in test/). */
export const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'validate', 'fixtures');
export const APPENDIX_B = path.join(FIXTURES, 'appendix-b');
export const APPENDIX_B_FILES = path.join(APPENDIX_B, 'environments', 'apps');
export const VARIANTS = path.join(FIXTURES, 'variants');

export function validateLoaded(env: LoadedEnvironment, resources: readonly Resource[] = env.resources): Diagnostic[] {
  const ctx: RuleContext = { environment: env.config };
  const diagnostics = [...env.diagnostics];
  for (const resource of resources) diagnostics.push(...validateKindRules(resource, ctx));
  diagnostics.push(...validateGraph(new MeshModel(resources), ctx));
  return diagnostics;
}

export async function loadApps(repoDir: string = APPENDIX_B): Promise<LoadedEnvironment> {
  return loadEnvironment(new WorkingTreeSource(repoDir), 'apps');
}

/**
 * A repository holding the Appendix B.2 set with `variant` added under
 * environments/apps/variants/ and, when given, the B.2 file it `replaces` left out.
 */
export function repositoryWithVariant(variant: string, replaces?: string): string {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-validate-'));
  const apps = path.join(repo, 'environments', 'apps');
  fs.mkdirSync(path.join(apps, 'variants'), { recursive: true });
  for (const file of fs.readdirSync(APPENDIX_B_FILES)) {
    if (file !== replaces) fs.copyFileSync(path.join(APPENDIX_B_FILES, file), path.join(apps, file));
  }
  fs.copyFileSync(path.join(VARIANTS, variant), path.join(apps, 'variants', variant));
  return repo;
}

/** 1-based line of the `# expect: CODE` marker for `code` in a variant file. */
export function markerLine(variant: string, code: string): number {
  const lines = fs.readFileSync(path.join(VARIANTS, variant), 'utf8').split('\n');
  const index = lines.findIndex((line) => {
    const marker = /# expect: (.*)$/.exec(line);
    return marker !== null && marker[1].split(/,\s*/).includes(code);
  });
  if (index < 0) throw new Error(`${variant} has no "# expect: ${code}" marker`);
  return index + 1;
}

export function summarize(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `${d.severity} ${d.code} ${d.file}:${d.line} ${d.pointer}`).join('\n');
}
