// What the daemon shows about its replicas: GET /api/replicas, Prometheus gauges, and commit
// status reporters that only write while this replica leads.
//
//   GET /api/replicas   {backend, replicaId, leader, leaderId, leaderSince?, replicas: [...], store: {reachable, error?}}
import { Gauge, Registry } from 'prom-client';
import { HttpRouter, sendJson } from '../http/router';
import { StatusReporter } from '../status/reporter';
import { Coordination } from './coordination';

export const REPLICAS_PATH = '/api/replicas';

export function coordinationRoutes(coordination: Coordination): HttpRouter {
  return new HttpRouter().get(REPLICAS_PATH, (_request, response) => sendJson(response, 200, coordination.status()));
}

/** meshplane_leader, meshplane_replicas, meshplane_replica_info{replica,leader}, meshplane_store_up: read at scrape time. */
export function registerCoordinationMetrics(registry: Registry, coordination: Coordination): void {
  new Gauge({
    name: 'meshplane_leader',
    help: '1 while this replica is the elected leader (it reconciles), else 0.',
    registers: [registry],
    collect() {
      this.set(coordination.isLeader() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'meshplane_replicas',
    help: 'Replicas alive (registered with a live lease in the shared store).',
    registers: [registry],
    collect() {
      this.set(coordination.status().replicas.length);
    },
  });
  new Gauge({
    name: 'meshplane_replica_info',
    help: 'One series per live replica; leader="true" on the one that leads.',
    labelNames: ['replica', 'leader'] as const,
    registers: [registry],
    collect() {
      const status = coordination.status();
      this.reset();
      for (const replica of status.replicas) this.set({ replica: replica.id, leader: String(replica.id === status.leaderId) }, 1);
    },
  });
  new Gauge({
    name: 'meshplane_store_up',
    help: '1 while the state store answers (always 1 for the embedded store), else 0.',
    registers: [registry],
    collect() {
      this.set(coordination.status().store.reachable ? 1 : 0);
    },
  });
}

/** Reporters that refuse to write unless this replica leads (a deposed leader's statuses are dropped). */
export function fenceReporters(reporters: StatusReporter[], coordination: Coordination): StatusReporter[] {
  return reporters.map((reporter) => ({
    name: reporter.name,
    report: (commit, statuses) => coordination.fencedWrite(`the ${statuses.map((s) => s.context).join(', ')} statuses of ${commit.slice(0, 7)}`, () => reporter.report(commit, statuses)),
  }));
}
