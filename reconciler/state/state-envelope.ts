// The on-disk form of a revision: the revision plus a checksum of it, so a truncated or
// altered file is detected instead of being read as something else (or as empty).
//
// meshplane-state/2 (written): one resource per line, so a commit serialises only the resources
// it changed (each resource's JSON is kept per AppliedResource object, and unchanged resources
// keep their objects from one revision to the next), and the checksum is the sha256 of the
// bytes after the first line, so no second serialisation is needed to compute or verify it:
//
//   {"format":"meshplane-state/2","checksum":"sha256:…",
//   "revision":{"environment":…,"summary":{…},"resources":[
//   {resource},
//   {resource}
//   ]}}
//
// A history delta has the same form with "delta" (the revision's fields, base, resourceCount,
// removed keys) and "changed" (the added or changed resources) in place of "revision"/"resources".
//
// meshplane-state/1 (still read): the indented envelope whose checksum is the sha256 of the
// revision's compact JSON.
import { createHash } from 'node:crypto';
import { RevisionDelta } from './revision-delta';
import { AppliedResource, AppliedRevision, RevisionHeader } from './state-types';

export const STATE_FORMAT = 'meshplane-state/2';
const STATE_FORMAT_1 = 'meshplane-state/1';
const FIRST_LINE = new RegExp(`^\\{"format":"${STATE_FORMAT}","checksum":"(sha256:[0-9a-f]{64})",$`);

/**
 * Each resource's serialised line (UTF-8), by object. Callers treat revisions as read-only, so an
 * object's JSON never changes; a resource a commit did not touch is never serialised again, and
 * a commit hashes and writes the cached lines as they are (no multi-megabyte string is built).
 */
const resourceLines = new WeakMap<AppliedResource, Buffer>();

export function resourceLine(resource: AppliedResource): Buffer {
  let line = resourceLines.get(resource);
  if (line === undefined) {
    line = ownBuffer(Buffer.from(JSON.stringify(resource)));
    resourceLines.set(resource, line);
  }
  return line;
}

/**
 * A copy in memory of its own: a small Buffer is a slice of Node's shared 8 KiB pool, and a kept
 * line would keep its whole slab (and whatever else was sliced from it) resident.
 */
function ownBuffer(bytes: Buffer): Buffer {
  const own = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(own);
  return own;
}

const SEPARATOR = Buffer.from(',\n');
const CLOSE = Buffer.from(']}}\n');
const LAST_CLOSE = Buffer.from('\n]}}\n');

/** The meshplane-state/2 bytes of a revision, in pieces (for a vectored write). */
export function encodeRevision(revision: AppliedRevision): Buffer[] {
  const { resources, ...header } = revision;
  return encodeEnvelope('revision', header, 'resources', resources);
}

/** The meshplane-state/2 bytes of a history delta, in pieces. */
export function encodeDelta(delta: RevisionDelta): Buffer[] {
  return encodeEnvelope('delta', { ...delta.header, base: delta.base, resourceCount: delta.resourceCount, removed: delta.removed }, 'changed', delta.changed);
}

function encodeEnvelope(member: 'revision' | 'delta', head: object, listName: string, resources: readonly AppliedResource[]): Buffer[] {
  const headJson = JSON.stringify(head);
  const body: Buffer[] = [Buffer.from(`"${member}":${headJson.slice(0, -1)}${headJson === '{}' ? '' : ','}"${listName}":[\n`)];
  resources.forEach((resource, i) => {
    if (i > 0) body.push(SEPARATOR);
    body.push(resourceLine(resource));
  });
  body.push(resources.length > 0 ? LAST_CLOSE : CLOSE);
  const hash = createHash('sha256');
  for (const piece of body) hash.update(piece);
  return [Buffer.from(`{"format":"${STATE_FORMAT}","checksum":"sha256:${hash.digest('hex')}",\n`), ...body];
}

export type DecodeResult = { ok: true; revision: AppliedRevision } | { ok: false; problem: string };
export type HistoryDecodeResult = { ok: true; revision: AppliedRevision } | { ok: true; delta: RevisionDelta } | { ok: false; problem: string };

/** state.json: a whole revision. */
export function decodeRevision(data: Buffer): DecodeResult {
  const decoded = decodeHistory(data);
  if (!decoded.ok || 'revision' in decoded) return decoded;
  return { ok: false, problem: `it holds the changes of revision ${decoded.delta.header.revision} (a history entry), not a whole revision` };
}

/** history/<n>.json: a whole revision (meshplane-state/1, the first revision, every CHECKPOINT_EVERY-th) or a delta. */
export function decodeHistory(data: Buffer): HistoryDecodeResult {
  const text = data.toString('utf8');
  if (text.trim() === '') return { ok: false, problem: 'the file is empty' };
  let envelope: { format?: unknown; checksum?: unknown; revision?: unknown; delta?: unknown };
  try {
    envelope = JSON.parse(text) as typeof envelope;
  } catch (error) {
    return { ok: false, problem: `it is not complete JSON (${(error as Error).message}); it was probably truncated` };
  }
  const format = typeof envelope === 'object' && envelope !== null ? envelope.format : undefined;
  if (format !== STATE_FORMAT && format !== STATE_FORMAT_1) {
    return { ok: false, problem: `it is not a meshplane state file (format ${JSON.stringify(format)}; meshplane reads ${STATE_FORMAT} and ${STATE_FORMAT_1})` };
  }
  const altered = { ok: false as const, problem: 'its checksum does not match its content; it was changed or partly overwritten' };
  if (format === STATE_FORMAT_1) {
    const revision = envelope.revision as AppliedRevision;
    if (typeof revision !== 'object' || revision === null || !Array.isArray(revision.resources)) return altered;
    const checksum = 'sha256:' + createHash('sha256').update(JSON.stringify(revision)).digest('hex');
    return checksum === envelope.checksum ? { ok: true, revision } : altered;
  }
  const newline = data.indexOf(0x0a);
  const first = FIRST_LINE.exec(data.subarray(0, newline).toString('utf8'));
  const body = data.subarray(newline + 1);
  if (!first || first[1] !== envelope.checksum || 'sha256:' + createHash('sha256').update(body).digest('hex') !== first[1]) return altered;
  const revision = envelope.revision as AppliedRevision | undefined;
  if (typeof revision === 'object' && revision !== null && Array.isArray(revision.resources)) {
    rememberLines(body, revision.resources);
    return { ok: true, revision };
  }
  const delta = deltaOf(envelope.delta);
  return delta ? { ok: true, delta } : { ok: false, problem: 'it holds neither a revision nor a history delta' };
}

/** The lines just verified are the resources' JSON: the next commit need not serialise them again. */
function rememberLines(body: Buffer, resources: readonly AppliedResource[]): void {
  const lines: Buffer[] = [];
  for (let start = 0; start < body.length; ) {
    const end = body.indexOf(0x0a, start);
    if (end < 0) return;
    lines.push(body.subarray(start, end));
    start = end + 1;
  }
  // The "revision" line, one per resource, and "]}}".
  if (lines.length !== resources.length + 2) return;
  resources.forEach((resource, i) => {
    const line = lines[i + 1];
    // A copy: a view would keep the whole file's buffer alive.
    resourceLines.set(resource, ownBuffer(line[line.length - 1] === 0x2c ? line.subarray(0, -1) : line));
  });
}

function deltaOf(value: unknown): RevisionDelta | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { base, resourceCount, removed, changed, ...header } = value as Record<string, unknown>;
  if (typeof base !== 'number' || typeof resourceCount !== 'number' || !Array.isArray(removed) || !Array.isArray(changed)) return undefined;
  return { header: header as unknown as RevisionHeader, base, resourceCount, removed: removed as string[], changed: changed as AppliedResource[] };
}
