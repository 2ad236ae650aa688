// Runs one Terraform command non-interactively, streaming its output line by line to a logger.
import { spawn } from 'node:child_process';
import { TerraformNotFoundError, TerraformStep, TerraformStepError } from './errors';

export type TerraformStream = 'stdout' | 'stderr';

/** Receives Terraform's output as it is written, one line at a time. */
export type TerraformLogger = (line: string, stream: TerraformStream, step: TerraformStep) => void;

export interface TerraformRunOptions {
  /** `terraform` (default), `tofu`, or a path. */
  binary?: string;
  log?: TerraformLogger;
  /** Variables set in the child (e.g. TF_CLI_CONFIG_FILE, a private HOME), over everything else. */
  env?: Record<string, string>;
  /**
   * What the child inherits from this process besides PATH and HOME: these variable names (the
   * daemon: the operator's terraform.env.pass), or `all` (a CLI run by its user, in their shell).
   * Default none: a daemon secret never reaches Terraform or the providers it starts.
   */
  inherit?: readonly string[] | 'all';
  /** TF_DATA_DIR: where init keeps providers and backend state (default `<workdir>/.terraform`). */
  dataDir?: string;
  /** TF_PLUGIN_CACHE_DIR: providers shared between working directories. */
  pluginCacheDir?: string;
  /** Stops the running command (Terraform gets SIGINT, so it releases state locks). */
  signal?: AbortSignal;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
}

const TAIL_LINES = 20;

/**
 * Runs `<binary> <args>` in `workdir`. Exit codes listed in `okExitCodes` are successes (plan's
 * -detailed-exitcode uses 2 for "changes present"); any other raises TerraformStepError.
 * With `captureStdout` stdout is returned instead of logged (for `show -json`).
 */
export function runTerraform(
  step: TerraformStep,
  args: string[],
  workdir: string,
  options: TerraformRunOptions,
  { okExitCodes = [0], captureStdout = false }: { okExitCodes?: number[]; captureStdout?: boolean } = {},
): Promise<CommandResult> {
  const binary = options.binary ?? 'terraform';
  const command = [binary, ...args].join(' ');
  const env: NodeJS.ProcessEnv = {
    ...inheritedEnvironment(options.inherit),
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    ...(options.dataDir ? { TF_DATA_DIR: options.dataDir } : {}),
    ...(options.pluginCacheDir ? { TF_PLUGIN_CACHE_DIR: options.pluginCacheDir } : {}),
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: workdir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const stdoutChunks: Buffer[] = [];
    const lineReader = (stream: TerraformStream) => {
      let pending = '';
      return {
        push(chunk: Buffer) {
          pending += chunk.toString('utf8');
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) emit(line, stream);
        },
        flush() {
          if (pending) emit(pending, stream);
          pending = '';
        },
      };
    };
    const emit = (line: string, stream: TerraformStream) => {
      const clean = line.replace(/\r$/, '');
      tail.push(clean);
      if (tail.length > TAIL_LINES) tail.shift();
      options.log?.(clean, stream, step);
    };
    const out = lineReader('stdout');
    const err = lineReader('stderr');
    child.stdout.on('data', (chunk: Buffer) => (captureStdout ? stdoutChunks.push(chunk) : out.push(chunk)));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const abort = () => child.kill('SIGINT');
    options.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', abort);
      reject(error.code === 'ENOENT' ? new TerraformNotFoundError(binary) : error);
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', abort);
      out.flush();
      err.flush();
      const stdout = Buffer.concat(stdoutChunks).toString('utf8');
      if (code !== null && okExitCodes.includes(code)) return resolve({ exitCode: code, stdout });
      if (captureStdout && stdout) tail.push(...stdout.trimEnd().split('\n').slice(-TAIL_LINES));
      reject(new TerraformStepError(step, command, workdir, code, tail.slice(-TAIL_LINES).join('\n').trim()));
    });
  });
}

function inheritedEnvironment(inherit: TerraformRunOptions['inherit']): NodeJS.ProcessEnv {
  if (inherit === 'all') return { ...process.env };
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', ...(inherit ?? [])]) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}
