// The mesh graph of an environment as it is live: the applied revision's resources, with the
// proxies that NACK (from the xDS inventory) or drift (stale, disconnected) marked.
import { buildMeshGraph, MeshGraph } from '../../provider/graph';
import { MeshModel } from '../../provider/model/mesh-model';
import { Resource, syntheticSource } from '../../provider/model/resource';
import { DashboardSource } from './dashboard-source';
import { proxyMarks } from './proxy-marks';

/** undefined when nothing is applied to the environment. */
export async function liveGraph(source: DashboardSource, environment: string): Promise<MeshGraph | undefined> {
  const applied = await source.store.read(environment);
  if (!applied) return undefined;
  const model = new MeshModel(
    applied.resources.map((r): Resource => ({ kind: r.identity.kind, identity: r.identity, key: r.key, doc: r.doc, source: syntheticSource(`state revision ${applied.revision}`) })),
  );
  const proxies = source.proxies().filter((p) => source.environmentOf(p.identity) === environment);
  return buildMeshGraph(model, { marks: proxyMarks(proxies, source.drifting(environment)) });
}
