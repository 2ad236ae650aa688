// The gRPC C-core proxyless client (Debian's python3-grpcio, run by /usr/bin/python3, not a pyenv
// python on PATH) in a child process: c_core_client.py, fed JSON commands on stdin, answering one
// JSON line per call. Same call() contract as the grpc-js-xds XdsClientProcess.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../../helpers/paths';
import { CallCommand, CallResult } from '../e2e/xds-client-child';

const PYTHON = process.env.MESHPLANE_C_CORE_PYTHON ?? '/usr/bin/python3';
const SCRIPT = path.join(REPO_ROOT, 'test', 'xds', 'conformance', 'c_core_client.py');

let probed: { version?: string; missing?: string } | undefined;

/** The grpcio version the C-core client runs on, or why it cannot run. */
export function cCoreAvailability(): { version?: string; missing?: string } {
  if (!probed) {
    const run = spawnSync(PYTHON, ['-c', 'import grpc; print(grpc.__version__)'], { encoding: 'utf8' });
    probed = run.status === 0 ? { version: run.stdout.trim() } : { missing: `${PYTHON} -c 'import grpc' failed: ${(run.stderr || String(run.error ?? '')).trim().split('\n').pop()}` };
  }
  return probed;
}

/**
 * Skips the current mocha test/suite, saying why, when python3-grpcio is missing; fails instead
 * when MESHPLANE_REQUIRE_FOREIGN_CLIENTS is set (CI installs it).
 */
export function requireCCore(context: Mocha.Context): void {
  const { missing } = cCoreAvailability();
  if (missing === undefined) return;
  const message = `SKIPPED: needs Debian's python3-grpcio (apt-get install python3-grpcio): ${missing}`;
  process.stderr.write(`\n  ${message}\n`);
  if (process.env.MESHPLANE_REQUIRE_FOREIGN_CLIENTS) throw new Error(message);
  context.skip();
}

interface CallLine {
  id: number;
  backend?: string;
  code?: string;
  message?: string;
  ms?: number;
  done?: boolean;
}

export class CCoreClientProcess {
  private nextId = 0;
  private readonly pending = new Map<number, { result: CallResult; resolve: (result: CallResult) => void }>();
  stderr = '';

  private constructor(private readonly child: ChildProcess) {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line.trim()) this.onLine(JSON.parse(line) as CallLine);
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString('utf8')).slice(-8000)));
  }

  /** Starts the client with a gRPC bootstrap (JSON text); resolves once it runs. */
  static start(bootstrap: string, env: NodeJS.ProcessEnv = {}): Promise<CCoreClientProcess> {
    // C-core reads an empty GRPC_XDS_BOOTSTRAP as a file name: it must be unset, not empty.
    const { GRPC_XDS_BOOTSTRAP: _file, ...inherited } = process.env;
    const child = spawn(PYTHON, [SCRIPT], {
      env: { ...inherited, GRPC_XDS_BOOTSTRAP_CONFIG: bootstrap, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      child.stdout!.once('data', () => resolve(new CCoreClientProcess(child)));
      child.once('exit', (code) => reject(new Error(`C-core client exited (${code}) before it was ready`)));
    });
  }

  private onLine(line: CallLine): void {
    const entry = this.pending.get(line.id);
    if (!entry) return;
    const { result } = entry;
    if (line.done) {
      this.pending.delete(line.id);
      entry.resolve(result);
    } else if (line.backend) {
      result.ok[line.backend] = (result.ok[line.backend] ?? 0) + 1;
      result.sequence.push(line.backend);
    } else {
      const code = line.code ?? 'UNKNOWN';
      result.failed[code] = (result.failed[code] ?? 0) + 1;
      result.failedDurations.push(line.ms ?? 0);
      if (result.errors.length < 5) result.errors.push(`${code}: ${line.message}`);
    }
  }

  /** Runs `count` unary calls to an `xds:///` target; bounded by `timeoutMs` overall. */
  call(command: Omit<CallCommand, 'id' | 'cmd'>, timeoutMs = 20_000): Promise<CallResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`calls to ${command.target} did not finish within ${timeoutMs} ms\n${this.stderr.slice(-2000)}`));
      }, timeoutMs);
      const result: CallResult = { ok: {}, failed: {}, errors: [], failedDurations: [], sequence: [] };
      this.pending.set(id, {
        result,
        resolve: (done) => {
          clearTimeout(timer);
          resolve(done);
        },
      });
      this.child.stdin!.write(JSON.stringify({ ...command, id }) + '\n');
    });
  }

  stop(): void {
    this.child.stdin!.end();
    this.child.kill();
  }
}
