// The daemon's incremental path (parse cache by Git object id, per-document findings by Resource,
// state store and planner reuse, translator re-translating only proxies whose reads changed) gives
// exactly what a from-scratch load, validation, plan and translation give, on random edit sequences:
// files added, changed, deleted, renamed, resources renamed and moved between files, broken files,
// duplicates, and environment settings changes, over many commits. Route targets and backends
// change (references), and single documents are deleted: still referenced, the plan blocks the
// deletion; plans are compared for invalid states too (meshplane plan and review show them).
// Nodes are made to share their backends (the translator then shares one egress between them), and
// both flavours of every proxy (Envoy, proxyless gRPC) are compared.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { EnvoyTranslator } from '../../provider/envoy/translator';
import { ProxySnapshot } from '../../provider/envoy/snapshot';
import { MeshModel } from '../../provider/model/mesh-model';
import { validateRevision, ValidatedRevision } from '../../reconciler/daemon/load-revision';
import { revisionCaches } from '../../reconciler/daemon/revision-caches';
import { GitTreeSource } from '../../reconciler/load/git-tree-source';
import { applyEnvironment, planEnvironment, PlanMemory } from '../../reconciler/plan';
import { FileStateStore } from '../../reconciler/state';
import { Document, syntheticEnvironmentYaml, syntheticMeshDocuments } from '../../bench/synthetic-mesh';
import { cleanupAfterEach } from '../helpers/cleanups';
import { GitRepo } from '../helpers/temp-repo';

const ENV = 'prop';
const DIR = `environments/${ENV}`;
const SERVICES = 5;

/** One edit of the repository; numbers pick files and values modulo what exists. */
type Edit =
  | { op: 'retries'; file: number; value: number }
  | { op: 'add'; id: number }
  | { op: 'delete'; file: number }
  | { op: 'renameFile'; file: number; id: number }
  | { op: 'renameRoute'; file: number; id: number }
  | { op: 'moveDocument'; file: number; to: number }
  | { op: 'breakFile'; file: number }
  | { op: 'duplicate'; file: number; id: number }
  | { op: 'quotas'; value: number }
  | { op: 'renameService'; file: number; id: number }
  | { op: 'renameNode'; file: number; id: number }
  | { op: 'removeBackend'; file: number }
  | { op: 'caseClash'; file: number; id: number }
  | { op: 'listenerTls'; file: number; mode: number }
  | { op: 'clientTls'; file: number; enforce: boolean; certificate: boolean }
  | { op: 'nodeProtocol'; file: number; protocol: number }
  | { op: 'serviceProvider'; file: number; node: boolean }
  | { op: 'retarget'; file: number; to: number }
  | { op: 'copyBackends'; file: number; to: number }
  | { op: 'deleteDocument'; file: number; kind: number }
  | { op: 'noop' };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('retries' as const), file: fc.nat(), value: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ op: fc.constant('add' as const), id: fc.nat({ max: 20 }) }),
  fc.record({ op: fc.constant('delete' as const), file: fc.nat() }),
  fc.record({ op: fc.constant('renameFile' as const), file: fc.nat(), id: fc.nat({ max: 20 }) }),
  fc.record({ op: fc.constant('renameRoute' as const), file: fc.nat(), id: fc.nat({ max: 20 }) }),
  fc.record({ op: fc.constant('moveDocument' as const), file: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant('breakFile' as const), file: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), file: fc.nat(), id: fc.nat({ max: 20 }) }),
  fc.record({ op: fc.constant('quotas' as const), value: fc.integer({ min: 3, max: 40 }) }),
  // Graph rules: references renamed under their referrers, backends removed, names differing in
  // case, TLS on either side of a call, protocols and providers behind the services called.
  fc.record({ op: fc.constant('renameService' as const), file: fc.nat(), id: fc.nat({ max: 20 }) }),
  fc.record({ op: fc.constant('renameNode' as const), file: fc.nat(), id: fc.nat({ max: 20 }) }),
  fc.record({ op: fc.constant('removeBackend' as const), file: fc.nat() }),
  fc.record({ op: fc.constant('caseClash' as const), file: fc.nat(), id: fc.nat({ max: 20 }) }),
  fc.record({ op: fc.constant('listenerTls' as const), file: fc.nat(), mode: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ op: fc.constant('clientTls' as const), file: fc.nat(), enforce: fc.boolean(), certificate: fc.boolean() }),
  fc.record({ op: fc.constant('nodeProtocol' as const), file: fc.nat(), protocol: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ op: fc.constant('serviceProvider' as const), file: fc.nat(), node: fc.boolean() }),
  fc.record({ op: fc.constant('retarget' as const), file: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant('copyBackends' as const), file: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant('deleteDocument' as const), file: fc.nat(), kind: fc.nat() }),
  fc.constant({ op: 'noop' as const }),
);

/** The environment's files as documents (undefined: a file of broken YAML). */
type Files = Map<string, Document[] | undefined>;

function initialFiles(): Files {
  const docs = syntheticMeshDocuments({ services: SERVICES, backendsPerNode: 2, meshName: ENV });
  const files: Files = new Map([['mesh.yaml', docs.slice(0, 1)]]);
  for (let i = 0; i < SERVICES; i++) files.set(`service-${i}.yaml`, docs.slice(1 + 4 * i, 5 + 4 * i));
  return files;
}

function serviceDocuments(id: number): Document[] {
  return syntheticMeshDocuments({ services: 1, backendsPerNode: 0, meshName: ENV })
    .slice(1)
    .map((d) => JSON.parse(JSON.stringify(d).replaceAll('-0', `-new${id}`).replaceAll('svc-0', `svc-new${id}`)) as Document);
}

function applyEdit(files: Files, e: Edit, quotas: { value: number }): void {
  const names = [...files.keys()].sort();
  const pick = (n: number) => names[n % names.length];
  const docsOf = (name: string) => files.get(name);
  switch (e.op) {
    case 'retries': {
      const route = docsOf(pick(e.file))?.find((d) => d.kind === 'Route');
      const retry = (route?.spec as { httpRoute?: { retryPolicy?: { maxRetries: number } } } | undefined)?.httpRoute?.retryPolicy;
      if (retry) retry.maxRetries = e.value;
      return;
    }
    case 'add':
      files.set(`service-new${e.id}.yaml`, serviceDocuments(e.id));
      return;
    case 'delete':
      if (names.length > 1) files.delete(pick(e.file));
      return;
    case 'renameFile': {
      const from = pick(e.file);
      const docs = files.get(from);
      files.delete(from);
      files.set(`moved/renamed-${e.id}.yaml`, docs);
      return;
    }
    case 'renameRoute': {
      const route = docsOf(pick(e.file))?.find((d) => d.kind === 'Route');
      if (route) route.routeName = `route-renamed-${e.id}`;
      return;
    }
    case 'moveDocument': {
      const from = docsOf(pick(e.file));
      const to = docsOf(pick(e.to));
      if (from && to && from !== to && from.length > 1) to.push(from.pop()!);
      return;
    }
    case 'breakFile':
      files.set(pick(e.file), undefined);
      return;
    case 'duplicate':
      files.set(`copy-${e.id}.yaml`, structuredClone(docsOf(pick(e.file))));
      return;
    case 'quotas':
      quotas.value = e.value;
      return;
    case 'renameService': {
      const service = docsOf(pick(e.file))?.find((d) => d.kind === 'VirtualService');
      if (service) service.virtualServiceName = `svc-renamed-${e.id}.${ENV}.local`;
      return;
    }
    case 'renameNode': {
      const node = docsOf(pick(e.file))?.find((d) => d.kind === 'VirtualNode');
      if (node) node.virtualNodeName = `node-renamed-${e.id}`;
      return;
    }
    case 'removeBackend':
      (specOf(docsOf(pick(e.file)), 'VirtualNode')?.backends as unknown[] | undefined)?.pop();
      return;
    case 'caseClash': {
      const doc = docsOf(pick(e.file))?.find((d) => d.kind === 'VirtualService' || d.kind === 'VirtualNode');
      if (!doc) return;
      const clash = structuredClone(doc);
      const nameKey = doc.kind === 'VirtualService' ? 'virtualServiceName' : 'virtualNodeName';
      clash[nameKey] = String(clash[nameKey]).toUpperCase();
      files.set(`clash-${e.id}.yaml`, [clash]);
      return;
    }
    case 'listenerTls': {
      const listener = (specOf(docsOf(pick(e.file)), 'VirtualNode')?.listeners as Document[] | undefined)?.[0];
      if (!listener) return;
      const certificate = { file: { certificateChain: '/certs/chain.pem', privateKey: '/certs/key.pem' } };
      if (e.mode === 0) delete listener.tls;
      else if (e.mode === 1) listener.tls = { mode: 'STRICT', certificate, validation: { trust: { file: { certificateChain: '/certs/ca.pem' } } } };
      else listener.tls = { mode: 'DISABLED', certificate };
      return;
    }
    case 'clientTls': {
      const spec = specOf(docsOf(pick(e.file)), 'VirtualNode');
      if (!spec) return;
      const tls: Document = { enforce: e.enforce, validation: { trust: { file: { certificateChain: '/certs/ca.pem' } } } };
      if (e.certificate) tls.certificate = { file: { certificateChain: '/certs/client.pem', privateKey: '/certs/client-key.pem' } };
      spec.backendDefaults = { clientPolicy: { tls } };
      return;
    }
    case 'nodeProtocol': {
      const listener = (specOf(docsOf(pick(e.file)), 'VirtualNode')?.listeners as Document[] | undefined)?.[0];
      if (listener) listener.portMapping = { port: 8080, protocol: ['http', 'grpc', 'tcp'][e.protocol] };
      return;
    }
    case 'serviceProvider': {
      const docs = docsOf(pick(e.file));
      const spec = specOf(docs, 'VirtualService');
      const node = docs?.find((d) => d.kind === 'VirtualNode');
      const router = docs?.find((d) => d.kind === 'VirtualRouter');
      if (!spec) return;
      if (e.node && node) spec.provider = { virtualNode: { virtualNodeName: node.virtualNodeName } };
      else if (!e.node && router) spec.provider = { virtualRouter: { virtualRouterName: router.virtualRouterName } };
      return;
    }
    case 'retarget': {
      const route = docsOf(pick(e.file))?.find((d) => d.kind === 'Route');
      const node = docsOf(pick(e.to))?.find((d) => d.kind === 'VirtualNode');
      const targets = (route?.spec as { httpRoute?: { action: { weightedTargets: Array<{ virtualNode: string }> } } } | undefined)?.httpRoute?.action.weightedTargets;
      if (targets && node) targets[0].virtualNode = node.virtualNodeName as string;
      return;
    }
    case 'copyBackends': {
      // Two nodes with the same backends share one egress configuration in the translator.
      const from = specOf(docsOf(pick(e.file)), 'VirtualNode');
      const to = specOf(docsOf(pick(e.to)), 'VirtualNode');
      if (!from || !to) return;
      to.backends = structuredClone(from.backends);
      if (from.backendDefaults) to.backendDefaults = structuredClone(from.backendDefaults);
      else delete to.backendDefaults;
      return;
    }
    case 'deleteDocument': {
      const docs = docsOf(pick(e.file));
      const kinds = ['VirtualNode', 'VirtualRouter', 'VirtualService'];
      const at = docs?.findIndex((d) => d.kind === kinds[e.kind % kinds.length]) ?? -1;
      if (docs && docs.length > 1 && at >= 0) docs.splice(at, 1);
      return;
    }
    case 'noop':
      return;
  }
}

function specOf(docs: Document[] | undefined, kind: string): Document | undefined {
  return docs?.find((d) => d.kind === kind)?.spec as Document | undefined;
}

function writeFiles(repo: GitRepo, files: Files, quotas: number): void {
  fs.rmSync(path.join(repo.dir, DIR), { recursive: true, force: true });
  repo.write(`${DIR}/environment.yaml`, syntheticEnvironmentYaml(quotas - 10));
  for (const [name, docs] of files) repo.write(`${DIR}/${name}`, docs === undefined ? 'kind: Route\nspec: [unclosed\n' : docs.map((d) => stringify(d)).join('---\n'));
}

/** A validated revision as its users see it (positions resolved, no functions). */
function meaning(validated: ValidatedRevision | undefined) {
  if (!validated) return undefined;
  const { loaded } = validated;
  return {
    valid: validated.valid,
    diagnostics: validated.diagnostics,
    resources: loaded.resources.map((r) => ({ key: r.key, doc: r.doc, file: r.source.file, docIndex: r.source.docIndex, spec: r.source.locate('/spec') })),
    files: loaded.files,
    config: loaded.config,
    reporters: validated.reporters,
    discovery: validated.discovery,
  };
}

function snapshotHashes(snapshot: ProxySnapshot | undefined) {
  if (!snapshot) return undefined;
  return [...snapshot.resources].map(([type, named]) => [type, [...named].map(([name, r]) => [name, r.hash]).sort()]).sort();
}

const noEndpoints = { lookup: () => [] };

/**
 * Always run besides the random sequences: a node deleted while its route still targets it (the
 * plan blocks the deletion), the route moved to another node (reference change; now the deletion
 * goes through), a route renamed (replace), a backend dropped, and a file deleted whose node is
 * still a route target (blocked again).
 */
const REFERENCE_EDITS: Edit[] = [
  { op: 'deleteDocument', file: 1, kind: 0 },
  { op: 'retarget', file: 1, to: 2 },
  { op: 'renameRoute', file: 2, id: 1 },
  { op: 'removeBackend', file: 3 },
  { op: 'delete', file: 2 },
];

/** Two nodes made to share their egress, then edits below it and to one of the two. */
const SHARED_EGRESS_EDITS: Edit[] = [
  { op: 'copyBackends', file: 1, to: 2 },
  { op: 'retries', file: 2, value: 4 },
  { op: 'clientTls', file: 1, enforce: true, certificate: false },
  { op: 'retries', file: 3, value: 5 },
  { op: 'listenerTls', file: 2, mode: 1 },
  { op: 'retarget', file: 3, to: 4 },
];

describe('incremental reconcile equals a full recompute (property)', () => {
  const cleanups = cleanupAfterEach();

  it('gives the same diagnostics, plan and proxy snapshots on random edit sequences over many commits', async function () {
    this.timeout(600_000);
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 10 }), async (edits) => {
        const repo = cleanups.gitRepo({ withApps: false });
        const files = initialFiles();
        const quotas = { value: 40 };
        const caches = revisionCaches();
        const memory = new PlanMemory();
        const stateDir = cleanups.tempDir();
        const store = new FileStateStore(stateDir);
        const translator = new EnvoyTranslator();
        for (const e of [{ op: 'noop' } as Edit, ...edits]) {
          applyEdit(files, e, quotas);
          writeFiles(repo, files, quotas.value);
          repo.commit(JSON.stringify(e));
          const incremental = await validateRevision(await GitTreeSource.open(repo.dir, 'HEAD'), ENV, undefined, caches);
          const full = await validateRevision(await GitTreeSource.open(repo.dir, 'HEAD'), ENV);
          assert.deepEqual(meaning(incremental), meaning(full), `validation after ${JSON.stringify(e)}`);
          if (!incremental || !full) continue;

          // Plan against the applied revision: the store's kept revision and the planner's memory
          // vs one read from disk and a full plan — invalid states too (blocked deletions).
          const fromStore = planEnvironment({ config: incremental.loaded.config, desired: incremental.loaded.resources, applied: await store.read(ENV), memory });
          const fromDisk = planEnvironment({ config: full.loaded.config, desired: full.loaded.resources, applied: await new FileStateStore(stateDir).read(ENV) });
          assert.equal(JSON.stringify(fromStore), JSON.stringify(fromDisk), `plan after ${JSON.stringify(e)}`);
          if (fromDisk.diagnostics.some((d) => d.severity === 'error')) seen.add('blocked deletion');
          if (fromDisk.changes.some((c) => c.action === 'replace')) seen.add('replace');
          if (fromDisk.changes.some((c) => c.action === 'update' && c.diff.some((d) => d.path.includes('weightedTargets')))) seen.add('reference change');
          if (!incremental.valid) continue;
          await applyEnvironment({ store, config: incremental.loaded.config, desired: incremental.loaded.resources, commit: repo.head(), memory });

          // Translation: one translator kept across commits vs a new one.
          translator.update(new MeshModel(incremental.loaded.resources), incremental.loaded.config, noEndpoints);
          const fresh = new EnvoyTranslator();
          fresh.update(new MeshModel(full.loaded.resources), full.loaded.config, noEndpoints);
          const proxies = fresh.proxies().map((p) => JSON.stringify(p)).sort();
          assert.deepEqual(translator.proxies().map((p) => JSON.stringify(p)).sort(), proxies);
          for (const proxy of fresh.proxies()) {
            for (const flavour of ['envoy', 'grpc'] as const) {
              assert.deepEqual(snapshotHashes(translator.snapshot(proxy, flavour)), snapshotHashes(fresh.snapshot(proxy, flavour)), `${proxy.name} (${flavour}) after ${JSON.stringify(e)}`);
            }
          }
        }
      }),
      { numRuns: 8, examples: [[REFERENCE_EDITS], [SHARED_EGRESS_EDITS]] },
    );
    for (const what of ['blocked deletion', 'replace', 'reference change']) assert.ok(seen.has(what), `no plan had a ${what}`);
  });
});
