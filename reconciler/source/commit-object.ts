// A commit read from its object through the repository's cat-file process (no `git log` spawned):
// its parents, and the details a revision shows — what `git log -1 --format=%H%x00%s%x00%an%x00%cI`
// prints (subject: the message's first paragraph on one line; author name; committer date in
// strict ISO 8601 with the committer's offset).
import { GitObjects } from '../load/git-objects';
import { CommitInfo } from './git';

/** Headers and a subject fit in this; a longer commit object is read up to it (only a huge message is cut). */
const MAX_COMMIT_BYTES = 1024 * 1024;

export interface CommitObject {
  info: CommitInfo;
  parents: string[];
}

/** The commit `name` names, or undefined when it names no commit. */
export async function readCommit(objects: GitObjects, name: string): Promise<CommitObject | undefined> {
  const object = await objects.contents(`${name}^{commit}`, { maxBytes: MAX_COMMIT_BYTES, over: 'truncate' });
  return object && parseCommit(object.oid, object.content);
}

export function parseCommit(oid: string, raw: Buffer): CommitObject {
  const end = raw.indexOf('\n\n');
  const headerText = (end < 0 ? raw : raw.subarray(0, end)).toString('utf8');
  const headers = headerText.split('\n').filter((line) => !line.startsWith(' ')); // continuation lines (signatures)
  const value = (key: string) => headers.find((line) => line.startsWith(`${key} `))?.slice(key.length + 1);
  const parents = headers.filter((line) => line.startsWith('parent ')).map((line) => line.slice('parent '.length));
  const message = end < 0 ? '' : decode(raw.subarray(end + 2), value('encoding'));
  return {
    parents,
    info: { commit: oid, subject: subject(message), author: identityName(value('author') ?? ''), committedAt: isoDate(value('committer') ?? '') },
  };
}

function decode(bytes: Buffer, encoding: string | undefined): string {
  try {
    return new TextDecoder(encoding ?? 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('utf8'); // an encoding TextDecoder does not know
  }
}

/** git's %s: leading blank lines skipped, then the first paragraph's lines, right-trimmed, joined by spaces. */
function subject(message: string): string {
  const lines = message.split('\n').map((line) => line.trimEnd());
  const start = lines.findIndex((line) => line !== '');
  if (start < 0) return '';
  const paragraph: string[] = [];
  for (let i = start; i < lines.length && lines[i] !== ''; i++) paragraph.push(lines[i]);
  return paragraph.join(' ');
}

/** `Name <email> 1700000000 +0100` → `Name`. */
function identityName(identity: string): string {
  const bracket = identity.indexOf('<');
  return (bracket < 0 ? identity : identity.slice(0, bracket)).trim();
}

/** `Name <email> 1700000000 +0130` → `2023-11-14T23:43:20+01:30` (git's %cI). */
function isoDate(identity: string): string {
  const match = / (\d+) ([+-])(\d\d)(\d\d)$/.exec(identity);
  if (!match) return '';
  const [, seconds, sign, hours, minutes] = match;
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
  const local = new Date((Number(seconds) + offsetMinutes * 60) * 1000).toISOString().slice(0, 19);
  return `${local}${sign}${hours}:${minutes}`;
}
