// Several load-generator processes sharing one fleet of proxies, so that opening and ACKing 10,000
// streams is spread over processes (and cores) instead of being bounded by one generator's event loop.
import { GeneratorProcess } from './generator-process';
import type { ProxyPlan } from './load-generator';

/** Proxies per generator process below which one process is enough. */
const PROXIES_PER_PROCESS = 2_500;
const MAX_PROCESSES = 4;

export class GeneratorPool {
  private constructor(private readonly generators: GeneratorProcess[]) {}

  /** Enough generator processes for `proxies` proxies (one per 2,500, at most four). */
  static async start(proxies: number): Promise<GeneratorPool> {
    const count = Math.min(MAX_PROCESSES, Math.max(1, Math.ceil(proxies / PROXIES_PER_PROCESS)));
    return new GeneratorPool(await Promise.all(Array.from({ length: count }, () => GeneratorProcess.start())));
  }

  /** Opens the proxies' streams, dealt round-robin over the processes; resolves once all are opened, rejects if any could not be. */
  async connect(address: string, protocol: 'sotw' | 'delta', proxies: ProxyPlan[]): Promise<void> {
    const shares = this.generators.map((_, g) => proxies.filter((__, i) => i % this.generators.length === g));
    await Promise.all(this.generators.map((generator, g) => (shares[g].length > 0 ? generator.connect(address, protocol, shares[g]) : undefined)));
  }

  /** `condition`, failing at once instead if a generator process died (its proxies will never answer). */
  whileRunning(condition: () => boolean): () => boolean {
    return () => {
      for (const generator of this.generators) generator.assertRunning();
      return condition();
    };
  }

  async stop(): Promise<void> {
    await Promise.all(this.generators.map((generator) => generator.stop()));
  }
}
