// The on-disk form of a revision: the revision plus a checksum of it, so a truncated or
// altered file is detected instead of being read as something else (or as empty).
import { createHash } from 'node:crypto';
import { AppliedRevision } from './state-types';

export const STATE_FORMAT = 'meshplane-state/1';

interface Envelope {
  format: string;
  checksum: string;
  revision: AppliedRevision;
}

function checksumOf(revision: unknown): string {
  return 'sha256:' + createHash('sha256').update(JSON.stringify(revision)).digest('hex');
}

export function encodeRevision(revision: AppliedRevision): string {
  const envelope: Envelope = { format: STATE_FORMAT, checksum: checksumOf(revision), revision };
  return JSON.stringify(envelope, null, 1) + '\n';
}

export type DecodeResult = { ok: true; revision: AppliedRevision } | { ok: false; problem: string };

export function decodeRevision(text: string): DecodeResult {
  if (text.trim() === '') return { ok: false, problem: 'the file is empty' };
  let envelope: Partial<Envelope>;
  try {
    envelope = JSON.parse(text) as Partial<Envelope>;
  } catch (error) {
    return { ok: false, problem: `it is not complete JSON (${(error as Error).message}); it was probably truncated` };
  }
  if (typeof envelope !== 'object' || envelope === null || envelope.format !== STATE_FORMAT) {
    return { ok: false, problem: `it is not a ${STATE_FORMAT} file (format ${JSON.stringify((envelope as Envelope | null)?.format)})` };
  }
  if (typeof envelope.revision !== 'object' || envelope.revision === null || checksumOf(envelope.revision) !== envelope.checksum) {
    return { ok: false, problem: 'its checksum does not match its content; it was changed or partly overwritten' };
  }
  return { ok: true, revision: envelope.revision };
}
