// Models the Envoy tests translate: the bundled environments, and fixture walkthroughs' api/
// documents in their final state (later `step`s replace earlier states of the same resource).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { identityKey, identityOf } from '../../provider/model/identity';
import { inferKind } from '../../provider/model/kinds';
import { MeshModel } from '../../provider/model/mesh-model';
import { Resource, ResourceDocument, syntheticSource } from '../../provider/model/resource';
import { defaultEnvironment, EnvironmentConfig } from '../../provider/environment/environment-config';
import { loadEnvironment } from '../../reconciler/load/load-environment';
import { WorkingTreeSource } from '../../reconciler/load/file-source';
import { Endpoint, EndpointSource } from '../../provider/envoy/snapshot';
import { FIXTURES_DIR, REPO_ROOT } from '../helpers/paths';

export interface TestModel {
  name: string;
  model: MeshModel;
  config: EnvironmentConfig;
}

export async function environmentModel(name: string): Promise<TestModel> {
  const loaded = await loadEnvironment(new WorkingTreeSource(REPO_ROOT), name);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`environment ${name} does not load: ${errors.map((d) => d.message).join('; ')}`);
  return { name, model: new MeshModel(loaded.resources), config: loaded.config };
}

/** Fixture folders whose api/ documents describe whole meshes (others hold only routes). */
export const FIXTURE_WALKTHROUGHS = [
  'ecs-service-connectivity',
  'howto-circuit-breakers',
  'howto-ingress-gateway',
  'howto-match-and-rewrite-at-ingress',
  'howto-multiple-listeners',
  'howto-mutual-tls-file-provided',
  'howto-outlier-detection',
  'howto-timeout-policy',
];

function apiFiles(dir: string, prefix = 'api'): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) return apiFiles(dir, relative);
    return entry.name.endsWith('.json') ? [relative] : [];
  });
}

export function fixtureModel(folder: string): TestModel {
  const dir = path.join(FIXTURES_DIR, folder);
  const index = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'index.json'), 'utf8')) as {
    folders: Record<string, { files: Array<{ path: string; step?: number | null }> }>;
  };
  const steps = new Map(index.folders[folder].files.map((f) => [f.path, f.step ?? 0]));
  const files = apiFiles(dir).sort((a, b) => (steps.get(a) ?? 0) - (steps.get(b) ?? 0) || (a < b ? -1 : 1));
  const byKey = new Map<string, Resource>();
  for (const file of files) {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
    const resource = documentResource(doc, `${folder}/${file}`);
    if (resource) byKey.set(resource.key, resource);
  }
  return { name: folder, model: new MeshModel([...byKey.values()]), config: defaultEnvironment(folder) };
}

/** A resource of a test model from its document (kind and identity read from it); undefined for other documents. */
function documentResource(doc: Record<string, unknown>, file: string): Resource | undefined {
  const kind = inferKind(doc);
  const identity = kind && identityOf(kind, doc);
  if (!kind || !identity) return undefined;
  return { kind, identity, key: identityKey(identity), doc: { ...doc, kind } as ResourceDocument, source: syntheticSource(file) };
}

/**
 * The apps environment plus a route using every header match kind and relative weights 3/1:
 * the forms each flavour's clients read (legacy header fields and total_weight for gRPC C-core).
 */
export async function clientFormsModel(): Promise<TestModel> {
  const apps = await environmentModel('apps');
  const route = documentResource(
    {
      kind: 'Route',
      meshName: 'apps',
      virtualRouterName: 'serviceB',
      routeName: 'by-header',
      spec: {
        priority: 0,
        http2Route: {
          match: {
            prefix: '/',
            method: 'POST',
            headers: [
              { name: 'x-exact', match: { exact: 'yes' } },
              { name: 'x-prefix', match: { prefix: 'pre' } },
              { name: 'x-suffix', match: { suffix: 'fix' } },
              { name: 'x-regex', match: { regex: 'v[0-9]+' } },
              { name: 'x-range', match: { range: { start: 1, end: 10 } } },
              { name: 'x-present' },
              { name: 'x-inverted', invert: true, match: { exact: 'no' } },
            ],
          },
          action: { weightedTargets: [{ virtualNode: 'serviceB', weight: 3 }, { virtualNode: 'serviceBv2', weight: 1 }] },
        },
      },
    },
    'client-forms/by-header.yaml',
  )!;
  return { name: 'client-forms', model: new MeshModel([...apps.model.resources, route]), config: apps.config };
}

/**
 * Endpoints for the goldens: two Cloud Map instances (one unhealthy) for every Cloud Map
 * service; DNS names are left to DNS.
 */
export const GOLDEN_ENDPOINTS: EndpointSource = {
  lookup(query): readonly Endpoint[] | undefined {
    if (query.type !== 'cloudMap') return undefined;
    return [
      { address: '10.0.1.10', port: 8080, healthy: true },
      { address: '10.0.1.11', port: 8080, healthy: false },
    ];
  },
};

export function mapEndpoints(entries: Record<string, readonly Endpoint[]>): EndpointSource {
  return { lookup: (query) => entries[query.type === 'dns' ? query.hostname : `${query.serviceName}.${query.namespaceName}`] };
}
