// The `uid` of a resource's metadata: derived from the environment, the resource's key and the
// revision that created it, instead of drawn at random, so the App Mesh API can say which uid a
// resource committed but not yet applied will have (the next revision's), and a daemon restarted
// answers the same uid. A delete and re-create is created by another revision: a new uid.
import { createHash } from 'node:crypto';

/** A name-based UUID (version 5 layout, SHA-256 digest). */
export function resourceUid(environment: string, key: string, createdByRevision: number): string {
  const hex = createHash('sha256').update(`${environment}\0${key}\0${createdByRevision}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
