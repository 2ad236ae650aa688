// `meshplane api`: the App Mesh API alone, in one process, for teams that run no daemon (or want
// the API on a host of its own). Reads the branch head, commits writes to the branch (pushes them
// for a URL), and checks signatures against the operator configuration's api.keys. Applying the
// commits is left to whoever applies (the daemon, or `meshplane apply`).
import { Command } from 'commander';
import { createAppMeshApi } from '../../api/app-mesh-api';
import { splitListen } from '../../daemon/daemon';
import { startHttpServer } from '../../http/http-server';
import { daemonLogger } from '../../logging/daemon-logger';
import { loadOperatorConfig } from '../../operator/load-operator-config';
import { operatorConfig, OperatorConfig } from '../../operator/operator-config';
import { SecretSources } from '../../operator/secret-source';
import { DEFAULT_BRANCH } from '../../source';
import { openCheckout } from '../../source/git-source';
import { parseLocation } from '../../source/location';
import { FileStateStore, resolveDataDir, stateStoreDir } from '../../state';
import { Terminal } from '../terminal';
import { EXIT_OK, UsageError } from '../usage-error';
import { withCommandErrors } from './plan';

export const API_DEFAULT_LISTEN = '127.0.0.1:9081';
/** A clone fetches the branch this often, so commits pushed by others are read (seconds). */
const CLONE_POLL_SECONDS = 30;

export interface ApiCommandOptions {
  config?: string;
  repo?: string;
  branch?: string;
  env?: string[];
  dataDir?: string;
  listen?: string;
}

export function apiCommand(terminal: Terminal, done: (code: number) => void): Command {
  return new Command('api')
    .description('Serve the App Mesh API (aws appmesh, the AWS SDKs, Terraform\'s AWS provider) backed by the repository: reads from the branch head, each write a commit (docs/appmesh-api.md).')
    .option('--config <file>', 'operator configuration with the api section: access keys, read-only environments (default: $MESHPLANE_CONFIG)')
    .option('--repo <dir|url>', 'repository directory, or a URL to clone and push to (default: source.repo, else .)')
    .option('--branch <name>', `branch read and written (default: source.branch, else ${DEFAULT_BRANCH})`)
    .option('--env <name...>', 'environments served (default: source.environments, else every environments/<env>/ of the branch)')
    .option('--data-dir <dir>', 'clone and state store (the applied metadata); default as meshplane serve')
    .option('--listen <host:port>', `address of the API (default: ${API_DEFAULT_LISTEN})`)
    .action(async (options: ApiCommandOptions) => done(await runApi(options, terminal)));
}

export async function runApi(options: ApiCommandOptions, terminal: Terminal, variables: NodeJS.ProcessEnv = process.env, stopped: Promise<unknown> = untilSignal()): Promise<number> {
  return withCommandErrors(terminal, false, async () => {
    const file = options.config ?? (variables.MESHPLANE_CONFIG || undefined);
    let operator: OperatorConfig;
    try {
      operator = file ? await loadOperatorConfig(file) : operatorConfig();
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (operator.api.keys.length === 0) {
      throw new UsageError(`${file ?? 'the built-in configuration'} declares no api.keys: every request would be refused. Declare access keys in the operator configuration (docs/appmesh-api.md#access-keys) and pass it with --config.`);
    }
    const repo = options.repo ?? operator.source.repo ?? '.';
    const branch = options.branch ?? operator.source.branch ?? DEFAULT_BRANCH;
    const location = parseLocation(repo);
    const dataDir = resolveDataDir({ dataDir: options.dataDir ?? operator.dataDir }, location.kind === 'local' ? location.dir : '.', variables);
    const log = daemonLogger({ level: operator.logging.level ?? 'info', format: operator.logging.format });
    const checkout = await openCheckout({ repo, branch, dataDir, log });
    await checkout.refresh(); // a clone is made (or brought up to date) before the first read
    const poll = checkout.kind === 'remote' ? setInterval(() => void checkout.refresh().catch((error: Error) => log.warn({ err: error }, 'cannot fetch the branch')), CLONE_POLL_SECONDS * 1000) : undefined;
    const api = await createAppMeshApi({
      checkout,
      branch,
      store: new FileStateStore(stateStoreDir(dataDir)),
      settings: operator.api,
      secrets: new SecretSources({ variables }),
      operator: { reporters: ['git-notes', ...Object.keys(operator.reporters)], defaultReporters: operator.defaultReporters, limits: operator.limits },
      environments: options.env ?? operator.source.environments,
      log,
    });
    if (api.problems.length > 0) throw new UsageError(`cannot read the secrets of these access keys:\n${api.problems.join('\n')}`);
    const at = splitListen('--listen', options.listen ?? API_DEFAULT_LISTEN);
    const server = await startHttpServer(api.routes, at.host, at.port, {
      maxConnections: operator.http.maxConnections,
      allowedHosts: operator.http.allowedHosts,
      warn: (message, fields) => log.warn({ area: 'http', ...fields }, message),
    });
    terminal.err(`meshplane: App Mesh API for ${checkout.label} (${branch}) at ${server.url} — e.g. aws appmesh list-meshes --endpoint-url ${server.url}\n`);
    await stopped;
    clearInterval(poll);
    await server.close();
    return EXIT_OK;
  });
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop).off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop).on('SIGINT', stop);
  });
}
