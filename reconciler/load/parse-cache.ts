// What loading a file produced, kept between loads of the same environment and keyed by the Git
// object id of its content: a commit that changes one file re-reads and re-parses that file only,
// and every other file yields the very same Resource objects as before, so the layers after the
// load (validation, plan, translation) can tell unchanged resources by identity.
// Each load keeps only the entries it used (one generation): a superseded revision's parse is
// released as soon as the next load finishes.
import type { Diagnostic } from '../../provider/model/diagnostic';
import type { Position, Resource } from '../../provider/model/resource';
import type { EnvironmentConfig } from '../../provider/environment/environment-config';
import type { ParsedFile } from '../../provider/load/parsed-document';

/** A blob's bytes as the loader took them: parsed, or refused (binary, not UTF-8) with why. */
export type BlobOutcome = { parsed: ParsedFile } | { refused: { code: string; message: string } };

/** One file of an environment loaded: its resources, or the environment settings it declares, and its findings. */
export interface FileOutcome {
  /** Whether its text could be read (a binary or oversized file is reported, not listed as read). */
  read: boolean;
  resources: Resource[];
  diagnostics: Diagnostic[];
  environment?: { config: EnvironmentConfig; file: { file: string; locate: (pointer: string) => Position } };
}

export class ParseCache {
  private blobs = new Map<string, BlobOutcome>();
  private files = new Map<string, FileOutcome>();
  private nextBlobs = new Map<string, BlobOutcome>();
  private nextFiles = new Map<string, FileOutcome>();
  /** Blobs parsed (cache misses) since the cache was made: what a test or benchmark checks. */
  parsedBlobs = 0;

  /** A blob's outcome, parsing it (with `parse`) only when no load of the last generation had it. */
  async blob(blobId: string, parse: () => Promise<BlobOutcome>): Promise<BlobOutcome> {
    let outcome = this.nextBlobs.get(blobId) ?? this.blobs.get(blobId);
    if (!outcome) {
      outcome = await parse();
      this.parsedBlobs++;
    }
    this.nextBlobs.set(blobId, outcome);
    return outcome;
  }

  /** A file's outcome at this path with this content and limit, when the last generation loaded it. */
  file(key: string): FileOutcome | undefined {
    const outcome = this.nextFiles.get(key) ?? this.files.get(key);
    if (outcome) this.nextFiles.set(key, outcome);
    return outcome;
  }

  keepFile(key: string, outcome: FileOutcome): void {
    this.nextFiles.set(key, outcome);
  }

  /** A load finished: keep what it used, release the rest. */
  commit(): void {
    this.blobs = this.nextBlobs;
    this.files = this.nextFiles;
    this.nextBlobs = new Map();
    this.nextFiles = new Map();
  }

  /** A load failed part-way: forget what it started, keep the last generation. */
  abandon(): void {
    this.nextBlobs = new Map();
    this.nextFiles = new Map();
  }
}

/** The cache key of a file: same path, same content, same size limit give the same outcome. */
export function fileKey(path: string, blobId: string, maxBytes: number): string {
  return `${maxBytes}\0${blobId}\0${path}`;
}
