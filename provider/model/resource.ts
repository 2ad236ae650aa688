// A resource document as loaded from Git, with where it came from.
import { Kind } from './kinds';
import { Identity } from './identity';

export interface Position {
  line: number;
  column: number;
}

/** Where a document lives, and how to find the position of any value inside it. */
export interface SourceRef {
  /** Repository-relative path with `/` separators. */
  file: string;
  /** Index of the document within a multi-document YAML file (0-based). */
  docIndex: number;
  /** Position of the value at a JSON pointer, or of its nearest existing ancestor. */
  locate(pointer: string): Position;
}

/** The App Mesh create-input of one resource plus `kind` (the Git format, DESIGN §3). */
export interface ResourceDocument {
  kind: Kind;
  meshName: string;
  spec?: Record<string, unknown>;
  tags?: Array<{ key: string; value?: string }>;
  meshOwner?: string;
  [member: string]: unknown;
}

export interface Resource {
  kind: Kind;
  identity: Identity;
  /** identityKey(identity), e.g. `VirtualNode/apps/serviceB`. */
  key: string;
  doc: ResourceDocument;
  source: SourceRef;
}

/** A source for documents that did not come from a file (tests, state store). */
export function syntheticSource(file: string): SourceRef {
  return { file, docIndex: 0, locate: () => ({ line: 0, column: 0 }) };
}
