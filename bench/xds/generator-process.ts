// The xDS load generator (load-generator.ts) in its own process, driven over IPC: each command is
// answered by an event the caller names.
import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import type { GeneratorCommand } from './load-generator';

export class GeneratorProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly waiters: Map<string, () => void>,
  ) {}

  static start(): Promise<GeneratorProcess> {
    const waiters = new Map<string, () => void>();
    const child = fork(path.join(__dirname, 'load-generator.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message: { event: string }) => waiters.get(message.event)?.());
    return new Promise((resolve) => waiters.set('ready', () => resolve(new GeneratorProcess(child, waiters))));
  }

  send(command: GeneratorCommand, reply: string): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.set(reply, resolve);
      this.child.send(command);
    });
  }

  async stop(): Promise<void> {
    await this.send({ cmd: 'close' }, 'closed');
    await new Promise((resolve) => this.child.once('exit', resolve));
  }
}
