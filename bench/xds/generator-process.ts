// The xDS load generator (load-generator.ts) in its own process, driven over IPC: each command is
// answered by an event the caller names (`opened` says how many proxies could not be connected).
import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import type { GeneratorCommand, GeneratorEvent, ProxyPlan } from './load-generator';

export class GeneratorProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly waiters: Map<string, (message: GeneratorEvent) => void>,
  ) {}

  static start(): Promise<GeneratorProcess> {
    const waiters = new Map<string, (message: GeneratorEvent) => void>();
    const child = fork(path.join(__dirname, 'load-generator.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message: GeneratorEvent) => waiters.get(message.event)?.(message));
    return new Promise((resolve) => waiters.set('ready', () => resolve(new GeneratorProcess(child, waiters))));
  }

  send(command: GeneratorCommand, reply: string): Promise<GeneratorEvent> {
    return new Promise((resolve) => {
      this.waiters.set(reply, resolve);
      this.child.send(command);
    });
  }

  /** Connects the proxies; rejects if any could not be connected within the generator's bounds. */
  async connect(address: string, protocol: 'sotw' | 'delta', proxies: ProxyPlan[]): Promise<void> {
    const { failed = 0 } = await this.send({ cmd: 'connect', address, protocol, proxies }, 'opened');
    if (failed > 0) throw new Error(`bench: ${failed} of ${proxies.length} proxies could not connect to ${address}`);
  }

  async stop(): Promise<void> {
    await this.send({ cmd: 'close' }, 'closed');
    await new Promise((resolve) => this.child.once('exit', resolve));
  }
}
