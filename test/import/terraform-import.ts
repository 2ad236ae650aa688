// Running a Terraform import over files written to a temp directory, and reading its result.
import { ImportResult, runImport } from '../../provider/import/import';
import { orderDocument, resourceKey } from '../../provider/import/canonical';
import { ResourceDocument } from '../../provider/model/resource';
import { makeTempRepo } from '../helpers/temp-repo';

/** Imports `files` (name → text, or a value written as JSON); `inputs` default to every file named. */
export async function importTerraformFiles(
  files: Record<string, unknown>,
  options: { params?: Record<string, string>; inputs?: string[]; varFiles?: string[] } = {},
): Promise<ImportResult> {
  const repo = makeTempRepo(Object.fromEntries(Object.entries(files).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value, null, 2)])));
  try {
    return await runImport({ dialect: 'terraform', inputs: options.inputs ?? Object.keys(files), cwd: repo.dir, params: options.params ?? {}, varFiles: options.varFiles });
  } finally {
    repo.remove();
  }
}

/** Imported documents by identity (`VirtualNode/apps/serviceB`), keys in canonical order. */
export function byKey(result: ImportResult): Map<string, ResourceDocument> {
  return new Map(result.resources.map((r) => [resourceKey(r), orderDocument(r.doc)]));
}

export const errors = (result: ImportResult) => result.findings.filter((f) => f.severity === 'error');
