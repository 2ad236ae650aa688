// The daemon's Prometheus metrics (GET /metrics), in a registry of its own so two daemons in one
// process (tests) do not collide.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const DRIFT_KINDS = ['proxies', 'disconnected', 'state', 'terraform', 'source'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

export class DaemonMetrics {
  readonly registry = new Registry();
  readonly reconcileDuration = new Histogram({
    name: 'meshplane_reconcile_duration_seconds',
    help: 'Time from taking a revision off the queue to its last status, per environment and result.',
    labelNames: ['environment', 'result'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly commitToAcked = new Histogram({
    name: 'meshplane_commit_to_all_acked_seconds',
    help: 'Time from noticing a commit to every connected proxy of the environment ACKing it.',
    labelNames: ['environment'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly reconciles = new Counter({
    name: 'meshplane_reconciles_total',
    help: 'Reconciles finished, per environment and result (applied, unchanged, invalid, blocked, failed, superseded).',
    labelNames: ['environment', 'result'] as const,
    registers: [this.registry],
  });
  readonly proxiesConnected = new Gauge({
    name: 'meshplane_proxies_connected',
    help: 'Proxy streams connected, per environment.',
    labelNames: ['environment'] as const,
    registers: [this.registry],
  });
  readonly nacks = new Counter({
    name: 'meshplane_nacks_total',
    help: 'Configuration rejected by proxies (NACKs), per environment and resource type.',
    labelNames: ['environment', 'type'] as const,
    registers: [this.registry],
  });
  readonly drift = new Gauge({
    name: 'meshplane_drift',
    help: '1 while the environment drifts in this way (proxies, disconnected, state, terraform, source), else 0.',
    labelNames: ['environment', 'kind'] as const,
    registers: [this.registry],
  });
  readonly sourceErrors = new Counter({
    name: 'meshplane_source_errors_total',
    help: 'Failed checks of the git source, per kind (unreachable, branch, corrupted, read).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'meshplane_' });
  }
}
