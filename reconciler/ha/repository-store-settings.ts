// The store a `meshplane serve` process uses, from the `store` sections of the repository's
// environment.yaml files (they must agree: one process, one store). Read from the working tree of a
// local repository before the daemon starts; flags override it.
import { FileSource, WorkingTreeSource } from '../load/file-source';
import { ENVIRONMENT_FILE, ENVIRONMENTS_DIR, listEnvironments } from '../load/load-environment';
import { parseFile } from '../../provider/load/parsed-document';
import { combineStoreSettings, mergeStoreFlags, readStoreSettings, STORE_SECTION, StoreFlags, StoreSettings } from './store-settings';

export async function readRepositoryStoreSettings(files: FileSource, environments?: readonly string[]): Promise<{ settings: StoreSettings; problems: string[] }> {
  const names = environments ?? (await listEnvironments(files).catch(() => [] as string[]));
  const found: { environment: string; settings: StoreSettings; declared: boolean }[] = [];
  const problems: string[] = [];
  for (const environment of names) {
    const file = `${ENVIRONMENTS_DIR}/${environment}/${ENVIRONMENT_FILE}`;
    if (!(await files.exists(file))) continue;
    const document = parseFile((await files.read(file)).toString('utf8'), 'yaml').documents[0];
    const value = document?.value as Record<string, unknown> | undefined;
    const section = typeof value === 'object' && value !== null ? value[STORE_SECTION] : undefined;
    const read = readStoreSettings(section, { file, locate: document ? document.locate : () => ({ line: 1, column: 1 }) });
    problems.push(...read.diagnostics.map((d) => `${d.file}:${d.line}: ${d.code} ${d.message}`));
    found.push({ environment, settings: read.settings, declared: section !== undefined });
  }
  const combined = combineStoreSettings(found);
  return { settings: combined.settings, problems: [...problems, ...combined.problems] };
}

/**
 * The store of `meshplane serve`: environment.yaml's `store` sections (local repositories) with the
 * flags over them. Returns the problems as messages for the CLI's usage error.
 */
export async function resolveServeStore(flags: StoreFlags, localRepository: string | undefined, environments?: readonly string[]): Promise<{ settings: StoreSettings; problems: string[] }> {
  const fromFiles = localRepository ? await readRepositoryStoreSettings(new WorkingTreeSource(localRepository), environments) : { settings: { backend: 'embedded' as const }, problems: [] };
  const merged = mergeStoreFlags(fromFiles.settings, flags);
  return { settings: merged.settings, problems: [...fromFiles.problems, ...merged.problems] };
}
