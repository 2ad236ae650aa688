// Drift of an environment from its live commit: proxies on an old or NACKed version, proxies
// that disconnected, a state store changed out of band (someone ran `meshplane apply` or
// `rollback` by hand), Terraform refresh-only drift (when enabled), and a source that cannot be
// reached (the branch may have moved on). Reported as `meshplane/<env>/drift` on the live commit.
import { StateStore } from '../state/state-store';
import { StatusState } from '../status/status';
import { checkInfrastructureDrift, driftStatus, InfrastructureOptions, planInfrastructure } from '../terraform';
import type { ProxySummary } from '../ha';
import { DriftKind } from './metrics';
import { LiveRevision } from './environment-reconciler';
import { terraformInput } from './load-revision';

export interface DriftFinding {
  kind: DriftKind;
  message: string;
}

export interface DriftInput {
  environment: string;
  live: LiveRevision;
  connected: readonly ProxySummary[];
  /** Proxies seen connected before (an identity missing now has disconnected). */
  seen: ReadonlySet<string>;
  /** Proxies the live model has (a removed virtual node is not a disconnected proxy). */
  served: (identity: string) => boolean;
  store: StateStore;
  /** A proxy pending longer than this is on an old version. */
  staleAfterMs: number;
  /** The source's current failure, if any. */
  sourceFailure?: string;
  /** Terraform drift of the live commit, when enabled for it (synthesized from the live revision's one load). */
  terraform?: { run: Omit<InfrastructureOptions, 'log'> };
  now?: number;
}

export async function assessDrift(input: DriftInput): Promise<{ findings: DriftFinding[]; state: StatusState }> {
  const findings: DriftFinding[] = [];
  const now = input.now ?? Date.now();
  let state: StatusState = 'success';
  for (const proxy of input.connected) {
    for (const [type, status] of Object.entries(proxy.types)) {
      if (status.state === 'nacked') {
        findings.push({ kind: 'proxies', message: `${proxy.name} NACKed ${type}: ${status.lastNack?.error ?? 'rejected'}` });
        break;
      }
      if (status.state === 'pending' && status.sent && now - Date.parse(status.sent.at) > input.staleAfterMs) {
        findings.push({ kind: 'proxies', message: `${proxy.name} has not ACKed ${type} ${status.sent.version} for ${Math.round((now - Date.parse(status.sent.at)) / 1000)}s` });
        break;
      }
    }
  }
  const connected = new Set(input.connected.map((p) => p.identity));
  const gone = [...input.seen].filter((identity) => !connected.has(identity) && input.served(identity));
  if (gone.length > 0) findings.push({ kind: 'disconnected', message: `${gone.map((i) => i.split('/').pop()).join(', ')} disconnected` });
  const stored = await input.store.read(input.environment).catch((error: Error) => error);
  if (stored instanceof Error) {
    findings.push({ kind: 'state', message: `state store unreadable: ${stored.message}` });
    state = 'error';
  } else if ((stored?.revision ?? 0) !== input.live.revision) {
    const by = stored ? ` (${stored.action} by ${stored.appliedBy})` : '';
    findings.push({ kind: 'state', message: `state store changed out of band: revision ${stored?.revision ?? 'none'}${by}, serving revision ${input.live.revision}` });
  }
  const validated = input.live.validated;
  if (input.terraform && validated?.terraform.enabled) {
    const options = input.terraform.run;
    const outcome = await planInfrastructure(terraformInput(validated), options)
      .then(async (plan) => (plan ? { report: await checkInfrastructureDrift(plan, options) } : undefined))
      .catch((error: unknown) => ({ error }));
    if (outcome) {
      const terraform = driftStatus(outcome);
      if (terraform.state !== 'success') findings.push({ kind: 'terraform', message: terraform.description });
      if (terraform.state === 'error') state = 'error';
    }
  }
  if (input.sourceFailure) {
    findings.push({ kind: 'source', message: input.sourceFailure });
    state = 'error';
  }
  if (findings.length > 0 && state === 'success') state = 'failure';
  return { findings, state };
}

export function describeDrift(findings: readonly DriftFinding[], connected: number, short: string, revision: number): string {
  if (findings.length === 0) return `no drift: ${connected} connected ${connected === 1 ? 'proxy' : 'proxies'} on ${short}, state at revision ${revision}`;
  return `${findings.length === 1 ? 'drift' : `${findings.length} drifts`}: ${findings.map((f) => f.message).join('; ')}`;
}
