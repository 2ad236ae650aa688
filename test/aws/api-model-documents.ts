// Documents that set every member of a kind's spec, generated from the App Mesh API model
// (shared/spec/appmesh-api-model.json), so "every spec field" follows the model, not our code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kind, KIND_INFO } from '../../provider/model/kinds';
import { SHARED_DIR } from '../helpers/paths';

interface Shape {
  type: string;
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  enum?: string[];
  min?: number;
}

const MODEL_PATH = path.join(SHARED_DIR, 'spec', 'appmesh-api-model.json');

export function apiModelAvailable(): boolean {
  return fs.existsSync(MODEL_PATH);
}

/** A document of `kind` whose spec sets every member of every structure (all union branches at once). */
export function everyFieldDocument(kind: Kind): Record<string, unknown> {
  const shapes = JSON.parse(fs.readFileSync(MODEL_PATH, 'utf8')).shapes as Record<string, Shape>;
  let counter = 0;
  const build = (shapeName: string): unknown => {
    const shape = shapes[shapeName];
    switch (shape.type) {
      case 'structure':
        return Object.fromEntries(Object.entries(shape.members ?? {}).map(([key, m]) => [key, build(m.shape)]));
      case 'list':
        return [build(shape.member!.shape), build(shape.member!.shape)];
      case 'string':
        return shape.enum ? shape.enum[counter++ % shape.enum.length] : `value-${++counter}`;
      case 'boolean':
        return true;
      default:
        return (shape.min ?? 0) + ++counter;
    }
  };
  const info = KIND_INFO[kind];
  const doc: Record<string, unknown> = { kind };
  for (const key of info.identityKeys) doc[key] = key === info.nameKey ? `every-${kind}` : key === 'meshName' ? 'everything' : `parent-of-${kind}`;
  doc.spec = build(`${kind}Spec`);
  doc.tags = [
    { key: 'team', value: 'payments' },
    { key: 'tier', value: 'gold' },
  ];
  if (kind !== 'Mesh') doc.meshOwner = '444455556666';
  return doc;
}
