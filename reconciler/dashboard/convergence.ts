// How the proxies of each environment converged on each live commit, over time: a sample
// (ACKed / NACKed / pending of connected) whenever it changes, per environment and commit,
// kept for the most recent commits. The commit page draws it.
import { EnvironmentProxyCounts } from './dashboard-source';

export interface ConvergenceSample {
  at: string;
  connected: number;
  synced: number;
  nacked: number;
  pending: number;
}

export interface ConvergenceSeries {
  environment: string;
  commit: string;
  /** When the environment started serving the commit (the push). */
  servedAt: string;
  samples: ConvergenceSample[];
}

const MAX_SERIES = 50;
const MAX_SAMPLES = 500;

export class ConvergenceRecorder {
  private readonly series = new Map<string, ConvergenceSeries>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Records the environments' proxy counts against their live commits (only what changed). */
  observe(environments: readonly EnvironmentProxyCounts[]): void {
    for (const env of environments) {
      const commit = env.live?.commit;
      if (!commit) continue;
      const key = `${env.name}|${commit}`;
      let series = this.series.get(key);
      if (!series) {
        series = { environment: env.name, commit, servedAt: env.live!.servedAt, samples: [] };
        this.series.set(key, series);
        while (this.series.size > MAX_SERIES) this.series.delete(this.series.keys().next().value as string);
      }
      const sample: ConvergenceSample = { at: this.now().toISOString(), ...env.proxies };
      const last = series.samples[series.samples.length - 1];
      if (last && last.connected === sample.connected && last.synced === sample.synced && last.nacked === sample.nacked && last.pending === sample.pending) continue;
      series.samples.push(sample);
      if (series.samples.length > MAX_SAMPLES) series.samples.splice(0, series.samples.length - MAX_SAMPLES);
    }
  }

  /** The series of a commit (a full SHA or a prefix), one per environment that served it. */
  of(commit: string): ConvergenceSeries[] {
    return [...this.series.values()].filter((s) => s.commit.startsWith(commit)).map((s) => ({ ...s, samples: [...s.samples] }));
  }
}
