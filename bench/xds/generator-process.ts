// The xDS load generator (load-generator.ts) in its own process, driven over IPC: each command is
// answered by an event the caller names (`opened` says how many proxies could not be connected).
import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import type { GeneratorCommand, GeneratorEvent, ProxyPlan } from './load-generator';

interface Waiter {
  resolve: (message: GeneratorEvent) => void;
  reject: (error: Error) => void;
}

export class GeneratorProcess {
  /** Set when the process ended without being told to: every wait on it fails with this at once. */
  private exitError: Error | undefined;
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly waiters: Map<string, Waiter>,
  ) {
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      this.exitError = new Error(`bench: load-generator process ${child.pid} exited unexpectedly (code ${code}, signal ${signal})`);
      for (const waiter of waiters.values()) waiter.reject(this.exitError);
      waiters.clear();
    });
  }

  static start(): Promise<GeneratorProcess> {
    const waiters = new Map<string, Waiter>();
    const child = fork(path.join(__dirname, 'load-generator.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message: GeneratorEvent) => waiters.get(message.event)?.resolve(message));
    return new Promise((resolve, reject) => {
      child.once('exit', (code, signal) => reject(new Error(`bench: load-generator process exited before it was ready (code ${code}, signal ${signal})`)));
      waiters.set('ready', { resolve: () => resolve(new GeneratorProcess(child, waiters)), reject });
    });
  }

  /** Throws if the process died: a wait on proxies it held would otherwise last until its timeout. */
  assertRunning(): void {
    if (this.exitError) throw this.exitError;
  }

  send(command: GeneratorCommand, reply: string): Promise<GeneratorEvent> {
    return new Promise((resolve, reject) => {
      if (this.exitError) return reject(this.exitError);
      this.waiters.set(reply, { resolve, reject });
      this.child.send(command);
    });
  }

  /** Connects the proxies; rejects if any could not be connected within the generator's bounds. */
  async connect(address: string, protocol: 'sotw' | 'delta', proxies: ProxyPlan[]): Promise<void> {
    const { failed = 0 } = await this.send({ cmd: 'connect', address, protocol, proxies }, 'opened');
    if (failed > 0) throw new Error(`bench: ${failed} of ${proxies.length} proxies could not connect to ${address}`);
  }

  async stop(): Promise<void> {
    if (this.exitError) return;
    this.stopping = true;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.send({ cmd: 'close' }, 'closed');
    await exited;
  }
}
