// Loads `environments/<env>/**/*.{yaml,yml,json}` into resources with positions, reporting
// every file or document it cannot use as a diagnostic (never throwing on user input).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { TextDecoder } from 'node:util';
import { Diagnostic } from '../../provider/model/diagnostic';
import { identityKey, identityOf } from '../../provider/model/identity';
import { inferKind, isKind, Kind, KINDS, KIND_INFO } from '../../provider/model/kinds';
import { Position, Resource, ResourceDocument } from '../../provider/model/resource';
import { defaultEnvironment, EnvironmentConfig } from '../../provider/environment/environment-config';
import { readEnvironment } from '../../provider/environment/read-environment';
import { FileEntry, FileSource, FileTooLargeError, MAX_FILE_BYTES } from './file-source';
import { ParsedDocument } from '../../provider/load/parsed-document';
import { parseOffThread } from './parse-off-thread';
import { BlobOutcome, fileKey, FileOutcome, ParseCache } from './parse-cache';
import { didYouMean } from '../../provider/validate/did-you-mean';

export const ENVIRONMENTS_DIR = 'environments';
export const ENVIRONMENT_FILE = 'environment.yaml';
const DOCUMENT_EXTENSIONS = /\.(ya?ml|json)$/i;
/** Document files an environment may have (operator `limits.filesPerEnvironment`). */
export const MAX_FILES_PER_ENVIRONMENT = 20_000;
/** The loader gives the event loop a turn once it has worked this long without one. */
const YIELD_AFTER_MS = 10;

/** Operator limits on what one environment may make the loader do. */
export interface LoadLimits {
  /** Default MAX_FILES_PER_ENVIRONMENT. */
  filesPerEnvironment?: number;
  /** Default MAX_FILE_BYTES (1 MiB). */
  maxFileBytes?: number;
}

export interface LoadedEnvironment {
  name: string;
  config: EnvironmentConfig;
  resources: Resource[];
  diagnostics: Diagnostic[];
  /** Document files read (repository-relative). */
  files: string[];
  /** environment.yaml and positions in it, for findings about its sections (parsed once, here). */
  environmentFile: { file: string; locate: (pointer: string) => Position };
}

export async function listEnvironments(source: FileSource): Promise<string[]> {
  return source.listDirectories(ENVIRONMENTS_DIR);
}

/**
 * Loads an environment. With a ParseCache (the daemon keeps one per environment), files whose
 * content (Git object id) and path were loaded last time give back the same outcome, resources
 * included, without being read or parsed; without one, everything is read and parsed (the full
 * recompute, and the reference the cached load is tested against).
 */
export async function loadEnvironment(source: FileSource, name: string, limits: LoadLimits = {}, cache?: ParseCache): Promise<LoadedEnvironment> {
  const dir = `${ENVIRONMENTS_DIR}/${name}`;
  const maxFiles = limits.filesPerEnvironment ?? MAX_FILES_PER_ENVIRONMENT;
  const maxBytes = limits.maxFileBytes ?? MAX_FILE_BYTES;
  const entries = (await source.listFiles(dir)).filter((entry) => DOCUMENT_EXTENSIONS.test(entry.path));
  const diagnostics: Diagnostic[] = [];
  const resources: Resource[] = [];
  const files: string[] = [];
  let config = defaultEnvironment(name);
  let environmentFile = { file: `${dir}/${ENVIRONMENT_FILE}`, locate: (_pointer: string): Position => ({ line: 0, column: 0 }) };
  if (entries.length > maxFiles) {
    const message = `${dir} has ${entries.length} YAML/JSON files; an environment may have at most ${maxFiles} (operator setting limits.filesPerEnvironment). Nothing in it was loaded: split it into several environments.`;
    diagnostics.push({ code: 'LOAD-FILES', severity: 'error', message, file: dir, line: 0, column: 0, pointer: '' });
    return { name, config, resources, diagnostics, files, environmentFile };
  }
  const cacheKey = (entry: FileEntry) => (cache && entry.blobId ? fileKey(entry.path, entry.blobId, maxBytes) : undefined);
  // Only the files not cached are read: tell the source, so it batches exactly those.
  if (cache) source.expectReads?.(entries.filter((entry) => !cache.file(cacheKey(entry) ?? '')).map((entry) => entry.path));

  // Many files (or documents) load in one stretch of promise callbacks: let timers, requests and
  // xDS streams run in between.
  let lastTurn = Date.now();
  const giveTurn = async () => {
    if (Date.now() - lastTurn <= YIELD_AFTER_MS) return;
    await nextTurn();
    lastTurn = Date.now();
  };
  try {
    for (const entry of entries) {
      await giveTurn();
      const key = cacheKey(entry);
      let outcome = key === undefined ? undefined : cache!.file(key);
      if (!outcome) {
        outcome = await loadFile(source, entry, name, maxBytes, giveTurn, cache);
        if (key !== undefined) cache!.keepFile(key, outcome);
      }
      diagnostics.push(...outcome.diagnostics);
      if (outcome.environment) {
        config = outcome.environment.config;
        environmentFile = outcome.environment.file;
        continue;
      }
      if (outcome.read) files.push(entry.path);
      resources.push(...outcome.resources);
    }
  } catch (error) {
    cache?.abandon();
    throw error;
  }
  cache?.commit();
  diagnostics.push(...duplicateIdentities(resources));
  return { name, config, resources, diagnostics, files, environmentFile };
}

function isEnvironmentFile(file: string, name: string): boolean {
  return file === `${ENVIRONMENTS_DIR}/${name}/${ENVIRONMENT_FILE}`;
}

/** One file read, parsed (or taken from the cache by its content id) and turned into resources or settings. */
async function loadFile(source: FileSource, entry: FileEntry, name: string, maxBytes: number, giveTurn: () => Promise<void>, cache?: ParseCache): Promise<FileOutcome> {
  const diagnostics: Diagnostic[] = [];
  const fail = (code: string, message: string): FileOutcome => {
    diagnostics.push({ code, severity: 'error', message, file: entry.path, line: 0, column: 0, pointer: '' });
    return { read: false, resources: [], diagnostics };
  };
  const tooLarge = (size: number) => fail('LOAD-SIZE', `file is ${size} bytes; files over ${maxBytes} bytes are refused (operator setting limits.maxFileBytes). Split it into several files.`);
  if (entry.escapesRepository) {
    return fail('LOAD-SYMLINK', 'this symlink points outside the repository; meshplane reads only files inside it. Copy the file into the repository instead.');
  }
  if (entry.size > maxBytes) return tooLarge(entry.size);
  const format = /\.json$/i.test(entry.path) ? 'json' : 'yaml';
  const parse = () => readBlob(source, entry.path, maxBytes, format);
  let blob: BlobOutcome | FileTooLargeError;
  try {
    blob = cache && entry.blobId ? await cache.blob(`${format}\0${entry.blobId}`, parse) : await parse();
  } catch (error) {
    if (error instanceof FileTooLargeError) return tooLarge(error.size);
    throw error;
  }
  if ('refused' in blob) return fail(blob.refused.code, blob.refused.message);
  const parsed = blob.parsed;
  for (const problem of parsed.problems) {
    diagnostics.push({ code: problem.code, severity: 'error', message: problem.message, file: entry.path, ...problem.position, pointer: '' });
  }
  if (isEnvironmentFile(entry.path, name)) {
    const doc = parsed.documents[0];
    const file = { file: entry.path, locate: doc ? doc.locate : () => ({ line: 1, column: 1 }) };
    const read = readEnvironment(name, doc?.value, entry.path, file.locate);
    diagnostics.push(...read.diagnostics);
    return { read: true, resources: [], diagnostics, environment: { config: read.config, file } };
  }
  const resources: Resource[] = [];
  for (const document of parsed.documents) {
    await giveTurn();
    const resource = toResource(entry.path, document, diagnostics);
    if (resource) resources.push(resource);
  }
  return { read: true, resources, diagnostics };
}

/** A file's bytes, parsed; refused when binary or not UTF-8 (what only its content decides). */
async function readBlob(source: FileSource, file: string, maxBytes: number, format: 'yaml' | 'json'): Promise<BlobOutcome> {
  const bytes = await source.read(file, maxBytes);
  if (bytes.includes(0)) {
    return { refused: { code: 'LOAD-BINARY', message: 'file contains NUL bytes: it is binary, not YAML or JSON. Remove it from environments/ or rename it without a .yaml/.yml/.json extension.' } };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { refused: { code: 'LOAD-ENCODING', message: 'file is not valid UTF-8. Save it as UTF-8.' } };
  }
  return { parsed: await parseOffThread(text, format) };
}

function toResource(file: string, document: ParsedDocument, diagnostics: Diagnostic[]): Resource | undefined {
  const report = (code: string, message: string, pointer = '') => {
    const position = document.locate(pointer);
    diagnostics.push({ code, severity: 'error', message, file, ...position, pointer });
  };
  const value = document.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report('LOAD-DOC', `a resource document must be a mapping with kind, meshName and spec; this document is ${Array.isArray(value) ? 'a list' : typeof value}.`);
    return undefined;
  }
  const doc = value as Record<string, unknown>;
  let kind: Kind;
  if (doc.kind === undefined) {
    const inferred = inferKind(doc);
    if (inferred === undefined) {
      report('LOAD-KIND', `cannot tell the kind of this document: it has no "kind" and no identity member (meshName, virtualNodeName, …). Add "kind: ${KINDS.join('|')}".`);
      return undefined;
    }
    kind = inferred;
  } else if (isKind(doc.kind)) {
    kind = doc.kind;
  } else {
    const suggestion = typeof doc.kind === 'string' ? didYouMean(doc.kind, KINDS) : undefined;
    report('LOAD-KIND', `unknown kind ${JSON.stringify(doc.kind)}; kind must be one of ${KINDS.join(', ')}.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`, '/kind');
    return undefined;
  }
  const info = KIND_INFO[kind];
  // Missing identity members are reported by the schema layer; keep the document so it is checked.
  const identity = identityOf(kind, doc) ?? {
    kind,
    meshName: String(doc.meshName ?? ''),
    name: String(doc[info.nameKey] ?? ''),
    parentName: info.parentKind ? String(doc[info.identityKeys[1]] ?? '') : undefined,
  };
  const source = { file, docIndex: document.index, locate: document.locate };
  return { kind, identity, key: identityKey(identity), doc: { ...doc, kind } as ResourceDocument, source };
}

/** ID-5: the same kind and identity twice in the repository. */
function duplicateIdentities(resources: Resource[]): Diagnostic[] {
  const first = new Map<string, Resource>();
  const out: Diagnostic[] = [];
  for (const resource of resources) {
    const earlier = first.get(resource.key);
    if (!earlier) {
      first.set(resource.key, resource);
      continue;
    }
    const at = resource.source.locate('');
    const was = earlier.source.locate('');
    out.push({
      code: 'ID-5',
      severity: 'error',
      message: `${resource.key} is defined twice: here and at ${earlier.source.file}:${was.line}. Remove one definition or give it another name.`,
      file: resource.source.file,
      ...at,
      pointer: '',
    });
  }
  return out;
}
