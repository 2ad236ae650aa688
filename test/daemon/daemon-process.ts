// `meshplane serve` in a child process, as users run it: the tests kill it (SIGKILL, SIGTERM)
// and start it again on the same data dir and ports. Its JSON logs are parsed from stdout.
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers/paths';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export class DaemonProcess {
  readonly logs: LogLine[] = [];
  stderr = '';
  http = '';
  xds = '';
  private exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line.trim()) this.logs.push(JSON.parse(line) as LogLine);
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
  }

  /** Starts `meshplane serve <args>` and resolves once it listens. */
  static start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<DaemonProcess> {
    return DaemonProcess.launch(path.join(REPO_ROOT, 'bin', 'meshplane'), ['serve', ...args], { env });
  }

  /** Starts `<bin> <args>` (a meshplane command that runs the daemon) and resolves once it listens. */
  static async launch(bin: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; startupMs?: number } = {}): Promise<DaemonProcess> {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const daemon = new DaemonProcess(child);
    const deadline = Date.now() + (options.startupMs ?? 60_000);
    for (;;) {
      const listening = daemon.logs.find((l) => l.msg === 'meshplane daemon listening');
      if (listening) {
        daemon.http = listening.http as string;
        daemon.xds = listening.xds as string;
        return daemon;
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`meshplane ${args[0]} did not start (exit ${child.exitCode}):\n${daemon.stderr}\n${JSON.stringify(daemon.logs.slice(-5))}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async get<T>(urlPath: string): Promise<{ status: number; body: T }> {
    const response = await fetch(this.http + urlPath);
    return { status: response.status, body: (await response.json()) as T };
  }

  /** Sends a signal and resolves with the exit code (null after a kill). */
  async signal(signal: NodeJS.Signals, timeoutMs = 15_000): Promise<number | null> {
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([this.exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)))]);
    clearTimeout(timer);
    if (code === 'timeout') {
      this.child.kill('SIGKILL');
      throw new Error(`meshplane serve did not exit within ${timeoutMs} ms of ${signal}`);
    }
    return code;
  }

  /** Stops it if it still runs (cleanup). */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) await this.signal('SIGKILL');
  }
}
