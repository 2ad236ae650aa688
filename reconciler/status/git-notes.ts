// Commit statuses as git notes: one JSON document per commit under refs/notes/meshplane,
// merging contexts, so `git log --notes=meshplane` shows them and they need no service.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimpleGit } from 'simple-git';
import { GitObjects, ObjectTooLargeError } from '../load/git-objects';
import { compareContexts, CommitStatuses, RecordedStatus, Status } from './status';

export const NOTES_REF = 'refs/notes/meshplane';
/** `git notes --ref=meshplane` expands to refs/notes/meshplane. */
export const NOTES_REF_ARG = '--ref=meshplane';

/** The JSON document stored in a note. */
export interface NoteDocument {
  meshplane: 1;
  commit: string;
  statuses: Record<string, Omit<RecordedStatus, 'context'>>;
}

export async function readNote(git: SimpleGit, commit: string): Promise<CommitStatuses | undefined> {
  let text: string;
  try {
    text = await git.raw(['notes', NOTES_REF_ARG, 'show', commit]);
  } catch (error) {
    if (/no note found/i.test((error as Error).message)) return undefined;
    throw error;
  }
  return fromDocument(commit, parseNote(text));
}

/** A note larger than this is not one of ours: it is replaced on the next write. */
const MAX_NOTE_BYTES = 16 * 1024 * 1024;

/**
 * A commit's note as the reporter merges into it, read through the repository's cat-file process
 * rather than a `git notes show`: the note is the blob at the commit's path in the notes tree,
 * whose fan-out splits the path into folders of two hex digits as the notes grow.
 */
export async function readNoteDocument(gitDir: string, commit: string): Promise<NoteDocument | undefined> {
  const objects = GitObjects.of(gitDir);
  const paths = [0, 1, 2].map((levels) => [...Array.from({ length: levels }, (_, i) => commit.slice(2 * i, 2 * i + 2)), commit.slice(2 * levels)].join('/'));
  const found = await Promise.all(paths.map((p) => objects.contents(`${NOTES_REF}:${p}`, { maxBytes: MAX_NOTE_BYTES }).catch((error: unknown) => {
    if (error instanceof ObjectTooLargeError) return undefined;
    throw error;
  })));
  const note = found.find((object) => object?.type === 'blob');
  return note && parseNote(note.content.toString('utf8'));
}

/** Commits whose note still holds a `pending` status: one `git grep` over the notes tree. */
export async function commitsWithPendingStatuses(git: SimpleGit): Promise<string[]> {
  // simple-git resolves a failed command that printed nothing: --quiet's "no such ref" is an empty answer.
  const hasNotes = await git.raw(['rev-parse', '--verify', '--quiet', NOTES_REF]).then((out) => out.trim() !== '', () => false);
  if (!hasNotes) return [];
  // Notes are written as indented JSON (writeNote), so a pending status reads exactly like this.
  const out = await git.raw(['grep', '-l', '-F', '"state": "pending"', NOTES_REF, '--']);
  // `refs/notes/meshplane:ab/cdef…`: the path is the commit, split by git's fan-out directories.
  return out.split('\n').filter(Boolean).map((line) => line.slice(line.indexOf(':') + 1).replace(/\//g, ''));
}

export function parseNote(text: string): NoteDocument | undefined {
  try {
    const value = JSON.parse(text) as NoteDocument;
    return value && typeof value === 'object' && typeof value.statuses === 'object' ? value : undefined;
  } catch {
    return undefined; // someone else's note under our ref: replaced on the next write
  }
}

export function fromDocument(commit: string, document: NoteDocument | undefined): CommitStatuses {
  const statuses = Object.entries(document?.statuses ?? {}).map(([context, status]) => ({ context, ...status }));
  return { commit, statuses: statuses.sort(compareContexts) };
}

export function mergeIntoDocument(commit: string, existing: NoteDocument | undefined, statuses: readonly Status[], now: Date): NoteDocument {
  const merged: NoteDocument = { meshplane: 1, commit, statuses: { ...(existing?.statuses ?? {}) } };
  for (const status of statuses) {
    const { context, ...rest } = status;
    merged.statuses[context] = { ...rest, updatedAt: now.toISOString() };
  }
  merged.statuses = Object.fromEntries(
    Object.entries(merged.statuses).sort(([a], [b]) => compareContexts({ context: a }, { context: b })),
  );
  return merged;
}

export async function writeNote(git: SimpleGit, commit: string, document: NoteDocument): Promise<void> {
  // A file rather than -m: the JSON goes in byte for byte, whatever its size.
  // Asynchronous file calls: a daemon writes several notes per commit, its main thread has other work.
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'meshplane-note-'));
  const file = path.join(dir, 'note.json');
  try {
    await fs.promises.writeFile(file, JSON.stringify(document, null, 2) + '\n');
    await git.raw(['notes', NOTES_REF_ARG, 'add', '-f', '-F', file, commit]);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
