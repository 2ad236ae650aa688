// Import from `aws appmesh describe-*` / `list-*` output and from create/update inputs
// (`--cli-input-json` files, with or without `kind`). Server-generated metadata and status
// are dropped; the account and region found in ARNs are reported for environment.yaml.
import { Kind, KINDS, KIND_INFO, inferKind, isKind } from '../model/kinds';
import { joinPointer } from '../model/diagnostic';
import { ResourceDocument } from '../model/resource';
import { HEADER_PREFIX, ImportedResource } from './canonical';
import { InputFile } from './input-files';
import { parseInput } from './parse-input';
import { ImportReport, SourceLocation } from './report';
import { convertValue, Dialect, isRecord, kindShape } from './shape';

/** The API spelling: members are taken exactly as written. */
export const API_DIALECT: Dialect = { memberName: (key, members) => (members.includes(key) ? key : undefined) };

/** describe-* wraps the resource in its camelCase kind name; list-* returns plural lists of references. */
const DESCRIBE_KEYS = new Map<string, Kind>(KINDS.map((kind) => [KIND_INFO[kind].apiName, kind]));
const LIST_KEYS = new Map<string, Kind>(KINDS.map((kind) => [KIND_INFO[kind].apiName === 'mesh' ? 'meshes' : `${KIND_INFO[kind].apiName}s`, kind]));
const DROPPED = new Set(['metadata', 'status', 'clientToken', 'kind']);

export interface DescribeResult {
  resources: ImportedResource[];
  /** `account/region` pairs found in ARNs. */
  accounts: Set<string>;
}

export function importDescribe(files: readonly InputFile[], report: ImportReport): DescribeResult {
  const result: DescribeResult = { resources: [], accounts: new Set() };
  const listed: Array<{ key: string; at: SourceLocation; pointer: string }> = [];
  for (const file of files) {
    if (/(^|\/)environment\.ya?ml$/.test(file.path)) continue; // environment settings, not resources
    // A canonical document keeps naming the file it was first imported from, so re-importing is a no-op.
    const header = file.text.startsWith(HEADER_PREFIX) ? file.text.slice(HEADER_PREFIX.length).split('\n')[0].trim() : undefined;
    for (const document of parseInput(file, report)) {
      const at: SourceLocation = { file: file.path, locate: document.locate };
      const visit = (value: unknown, pointer: string): void => {
        if (Array.isArray(value)) return value.forEach((item, i) => visit(item, joinPointer(pointer, i)));
        if (!isRecord(value)) {
          report.error('IMPORT-TYPE', `expected an App Mesh describe output, list output or create input here, found ${JSON.stringify(value)}.`, at, pointer);
          return;
        }
        const wrappers = Object.keys(value).filter((key) => DESCRIBE_KEYS.has(key) || LIST_KEYS.has(key));
        if (value.kind === undefined && inferKind(value) === undefined && wrappers.length > 0) {
          for (const key of Object.keys(value)) {
            const inner = joinPointer(pointer, key);
            if (DESCRIBE_KEYS.has(key)) addResource(DESCRIBE_KEYS.get(key)!, value[key], inner);
            else if (LIST_KEYS.has(key)) visitList(LIST_KEYS.get(key)!, value[key], inner);
            else if (key !== 'nextToken') report.error('IMPORT-UNMAPPED', `"${key}" is not part of an App Mesh describe or list output; it was not imported.`, at, inner);
          }
          return;
        }
        if (value.kind !== undefined && !isKind(value.kind)) {
          report.error('IMPORT-TYPE', `unknown kind ${JSON.stringify(value.kind)}; App Mesh kinds are ${KINDS.join(', ')}.`, at, joinPointer(pointer, 'kind'));
          return;
        }
        const kind = isKind(value.kind) ? value.kind : inferKind(value);
        if (!kind) {
          report.error('IMPORT-TYPE', 'this object is neither a describe output ({"virtualNode": {…}}), a list output ({"virtualNodes": […]}) nor a create input (meshName, virtualNodeName, spec, …).', at, pointer);
          return;
        }
        addResource(kind, value, pointer);
      };
      const visitList = (kind: Kind, items: unknown, pointer: string): void => {
        if (!Array.isArray(items)) return visit(items, pointer);
        items.forEach((item, i) => {
          const inner = joinPointer(pointer, i);
          // list-* entries are references without a spec; describe output pasted into a list is a resource.
          if (isRecord(item) && 'spec' in item) addResource(kind, item, inner);
          else if (isRecord(item)) listed.push({ key: listKey(kind, item), at, pointer: inner });
        });
      };
      const addResource = (kind: Kind, value: unknown, pointer: string): void => {
        if (!isRecord(value)) {
          report.error('IMPORT-TYPE', `expected the ${kind} as a mapping.`, at, pointer);
          return;
        }
        const doc = convertDocument(kind, value, pointer, at, report, result.accounts);
        result.resources.push({ doc, source: header ?? file.path, line: at.locate(pointer).line });
      };
      visit(document.value, '');
    }
  }
  const described = new Set(result.resources.map((r) => listKey(r.doc.kind, r.doc)));
  for (const entry of listed) {
    if (!described.has(entry.key)) {
      report.add('IMPORT-LIST-ONLY', 'warning', `${entry.key} appears in a list output only, which carries no spec; add its describe-* output to import it.`, entry.at, entry.pointer);
    }
  }
  for (const pair of result.accounts) {
    const [account, region] = pair.split('/');
    report.add('IMPORT-ACCOUNT', 'info', `the ARNs name account ${account} in region ${region}; set account: "${account}" and region: ${region} in environment.yaml.`, { file: files[0]?.path ?? '', locate: () => ({ line: 0, column: 0 }) });
  }
  return result;
}

function listKey(kind: Kind, value: Record<string, unknown>): string {
  return [kind, ...KIND_INFO[kind].identityKeys.map((k) => value[k])].join('/');
}

function convertDocument(kind: Kind, value: Record<string, unknown>, pointer: string, at: SourceLocation, report: ImportReport, accounts: Set<string>): ResourceDocument {
  const shape = kindShape(kind);
  const metadata = isRecord(value.metadata) ? value.metadata : undefined;
  const arn = typeof metadata?.arn === 'string' ? /^arn:[^:]+:appmesh:([^:]+):(\d{12}):/.exec(metadata.arn) : null;
  if (arn) accounts.add(`${arn[2]}/${arn[1]}`);
  const envelope: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) if (!DROPPED.has(key)) envelope[key] = member;
  const doc = convertValue(envelope, shape.document, pointer, { dialect: API_DIALECT, report, at, shape }) as Record<string, unknown>;
  // A resource in a mesh shared by another account is created with meshOwner set.
  if (kind !== 'Mesh' && doc.meshOwner === undefined && typeof metadata?.meshOwner === 'string' && metadata.meshOwner !== metadata.resourceOwner) {
    doc.meshOwner = metadata.meshOwner;
  }
  return { ...doc, kind } as ResourceDocument;
}
