// Import from CloudFormation templates: every AWS::AppMesh::* resource becomes a canonical
// document, its PascalCase properties renamed to the API's camelCase (resource-model.md
// Appendix A) after its intrinsic functions are evaluated. Resources of other services are
// left out with a note; an unknown AWS::AppMesh:: type makes the template malformed.
import { joinPointer } from '../model/diagnostic';
import { KIND_INFO } from '../model/kinds';
import { ResourceDocument } from '../model/resource';
import { ImportedResource } from './canonical';
import { APPMESH_TYPES, collectExports, ExportTable, IntrinsicEvaluator, pascal, UNRESOLVED } from './cloudformation-intrinsics';
import { parseTemplate } from './cloudformation-template';
import { InputFile } from './input-files';
import { ImportReport, SourceLocation } from './report';
import { convertValue, Dialect, isRecord, kindShape } from './shape';

// Document members that are no resource properties. Only at the document's root (its members
// include `spec`): inside a gRPC match, `Metadata` is the API's `metadata` match list.
const NOT_PROPERTIES = new Set(['kind', 'clientToken', 'metadata', 'status']);

/** PascalCase of the API name; acronyms may be upper case (`TLS`, `HTTP2`, `AWSCloudMap`), camelCase is refused. */
export const CLOUDFORMATION_DIALECT: Dialect = {
  memberName: (key, members) => {
    const atRoot = members.includes('spec');
    return members.find((m) => !(atRoot && NOT_PROPERTIES.has(m)) && (key === pascal(m) || (/^[A-Z]/.test(key) && key.toLowerCase() === m.toLowerCase())));
  },
  coerceScalars: true,
};

export function importCloudFormation(files: readonly InputFile[], report: ImportReport, params: Record<string, string>): ImportedResource[] {
  const exports: ExportTable = new Map();
  const evaluators: IntrinsicEvaluator[] = [];
  for (const file of files) {
    const parsed = parseTemplate(file, report);
    if (!parsed) continue;
    const location: SourceLocation = { file: file.path, locate: parsed.locate };
    if (!isRecord(parsed.value) || !isRecord(parsed.value.Resources)) {
      report.error('IMPORT-INPUT', 'this is not a CloudFormation template: it has no Resources mapping. Import templates with --from cloudformation only.', location);
      continue;
    }
    if (!checkTypes(parsed.value.Resources, location, report)) continue;
    const evaluator = new IntrinsicEvaluator({ location, value: parsed.value }, params, exports, report);
    collectExports(evaluator, exports);
    evaluators.push(evaluator);
  }
  if (report.malformed) return [];
  return evaluators.flatMap((evaluator) => templateResources(evaluator, report));
}

/** Every resource has a Type, and App Mesh types are ones the API has; other services are noted. */
function checkTypes(resources: Record<string, unknown>, at: SourceLocation, report: ImportReport): boolean {
  let ok = true;
  const others = new Map<string, number>();
  for (const [id, resource] of Object.entries(resources)) {
    const type = isRecord(resource) ? resource.Type : undefined;
    const pointer = joinPointer('/Resources', id);
    if (typeof type !== 'string') {
      report.error('IMPORT-TYPE', `resource ${id} has no Type; every CloudFormation resource needs one.`, at, pointer);
      ok = false;
    } else if (type.startsWith('AWS::AppMesh::') && !(type in APPMESH_TYPES)) {
      report.error('IMPORT-TYPE', `resource ${id} has the unknown type ${type}; App Mesh types are ${Object.keys(APPMESH_TYPES).join(', ')}.`, at, joinPointer(pointer, 'Type'));
      ok = false;
    } else if (!(type in APPMESH_TYPES)) {
      others.set(type, (others.get(type) ?? 0) + 1);
    }
  }
  if (ok && others.size > 0) {
    const list = [...others].map(([type, n]) => (n > 1 ? `${type} ×${n}` : type)).join(', ');
    report.add('IMPORT-NOT-IMPORTED', 'info', `resources of other services are not mesh definitions and were not imported: ${list}.`, at, '/Resources');
  }
  return ok;
}

function templateResources(evaluator: IntrinsicEvaluator, report: ImportReport): ImportedResource[] {
  const at = evaluator.template.location;
  const out: ImportedResource[] = [];
  for (const [id, resource] of Object.entries(evaluator.template.value.Resources as Record<string, Record<string, unknown>>)) {
    const kind = APPMESH_TYPES[String(resource.Type)];
    if (!kind) continue;
    const pointer = joinPointer('/Resources', id);
    if (typeof resource.Condition === 'string') {
      const created = evaluator.condition(resource.Condition, joinPointer(pointer, 'Condition'));
      if (created === UNRESOLVED) continue;
      if (!created) {
        report.add('IMPORT-CONDITION', 'info', `${id} is not created: its condition ${resource.Condition} is false with these parameters.`, at, pointer);
        continue;
      }
    }
    const properties = evaluator.evaluate(resource.Properties ?? {}, joinPointer(pointer, 'Properties'));
    if (properties === UNRESOLVED) {
      report.error('IMPORT-SKIPPED', `${id} (${resource.Type}) was not imported because some of its values could not be resolved (see the IMPORT-UNRESOLVED findings in this file).`, at, pointer);
      continue;
    }
    const shape = kindShape(kind);
    const doc = convertValue(properties, shape.document, joinPointer(pointer, 'Properties'), { dialect: CLOUDFORMATION_DIALECT, report, at, shape }) as Record<string, unknown>;
    const missing = KIND_INFO[kind].identityKeys.filter((key) => typeof doc[key] !== 'string');
    if (missing.length > 0) {
      report.error('IMPORT-IDENTITY', `${id} sets no ${missing.map(pascal).join(', ')}; CloudFormation would generate a name at deploy time. Set ${missing.map(pascal).join(', ')} to import it.`, at, pointer);
      continue;
    }
    out.push({ doc: { ...doc, kind } as ResourceDocument, source: at.file, line: at.locate(pointer).line });
  }
  return out;
}
