// Finding the mesh repository and its environments for a command, with usage errors naming what exists.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileSource, WorkingTreeSource } from '../load/file-source';
import { GitTreeSource } from '../load/git-tree-source';
import { ENVIRONMENTS_DIR, listEnvironments } from '../load/load-environment';
import { UsageError } from './usage-error';

export function openRepository(repo: string | undefined): WorkingTreeSource {
  const dir = path.resolve(repo ?? '.');
  if (!fs.existsSync(dir)) throw new UsageError(`repository ${dir} does not exist. Pass --repo <dir> pointing at a folder with ${ENVIRONMENTS_DIR}/.`);
  if (!fs.existsSync(path.join(dir, ENVIRONMENTS_DIR))) {
    throw new UsageError(`${dir} has no ${ENVIRONMENTS_DIR}/ folder. Pass --repo <dir> pointing at a mesh repository (environments/<env>/*.yaml).`);
  }
  return new WorkingTreeSource(dir);
}

/** What a command reads (--ref): the environments as of that commit, branch or tag, else the working tree. */
export async function openSource(repo: WorkingTreeSource, ref: string | undefined): Promise<FileSource> {
  return ref !== undefined ? GitTreeSource.open(repo.label, ref) : repo;
}

/** The environments to work on: those named (each must exist), or all of them. */
export async function selectEnvironments(source: WorkingTreeSource, requested: string[] | undefined): Promise<string[]> {
  const existing = await listEnvironments(source);
  if (existing.length === 0) throw new UsageError(`${source.label}/${ENVIRONMENTS_DIR} holds no environment folders.`);
  if (!requested || requested.length === 0) return existing;
  for (const name of requested) {
    if (!existing.includes(name)) {
      throw new UsageError(`unknown environment "${name}" in ${source.label}; environments: ${existing.join(', ')}.`);
    }
  }
  return requested;
}
