// Builds Resources from YAML text for schema tests, without the file loader.
import { parse } from 'yaml';
import { identityKey, identityOf } from '../../provider/model/identity';
import { Kind, inferKind, isKind } from '../../provider/model/kinds';
import { Resource, ResourceDocument, SourceRef, syntheticSource } from '../../provider/model/resource';

export function resourceFromYaml(text: string, source: SourceRef = syntheticSource('test.yaml')): Resource {
  const doc = parse(text) as ResourceDocument;
  const kind: Kind | undefined = isKind(doc.kind) ? doc.kind : inferKind(doc);
  if (!kind) throw new Error(`test document has no kind: ${text}`);
  const identity = identityOf(kind, doc) ?? { kind, meshName: String(doc.meshName), name: '?' };
  return { kind, identity, key: identityKey(identity), doc, source };
}
