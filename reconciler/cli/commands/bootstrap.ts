// `meshplane bootstrap`: a proxy bootstrap pointing at the xDS server, for Envoy (YAML) or a
// proxyless gRPC client (JSON for GRPC_XDS_BOOTSTRAP).
import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { BootstrapOptions, envoyBootstrap, grpcBootstrap } from '../../xds/bootstrap';
import { XdsStreamError } from '../../xds/errors';
import { Terminal } from '../terminal';
import { EXIT_OK, UsageError } from '../usage-error';

interface BootstrapCommandOptions {
  node: string;
  xds: string;
  format: 'envoy' | 'grpc';
  cluster?: string;
  adminPort: string;
  adminAddress: string;
  tokenEnv?: string;
  tokenFile?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  delta?: boolean;
  output?: string;
}

export function bootstrapCommand(terminal: Terminal, done: (code: number) => void): Command {
  return new Command('bootstrap')
    .description('Print a proxy bootstrap pointing at the meshplane xDS server: Envoy YAML (ADS, admin on 9901) or gRPC xDS JSON.')
    .requiredOption('--node <id>', 'proxy identity: arn:aws:appmesh:<region>:<account>:mesh/<mesh>/virtualNode/<name> or mesh/<mesh>/virtualNode/<name> (virtualGateway/<name>)')
    .requiredOption('--xds <host:port[,host:port…]>', 'address of the meshplane xDS server; several comma-separated for replicas (the proxy fails over between them)')
    .addOption(new Option('--format <format>', 'envoy: Envoy bootstrap YAML; grpc: JSON for GRPC_XDS_BOOTSTRAP').choices(['envoy', 'grpc']).default('envoy'))
    .option('--cluster <name>', 'node.cluster (default: the node id, like APPMESH_RESOURCE_ARN)')
    .option('--admin-port <port>', 'Envoy admin port', '9901')
    .option('--admin-address <address>', 'Envoy admin bind address', '0.0.0.0')
    .option('--token-env <variable>', 'Envoy: read the proxy bearer token (xds.auth.mode token) from this environment variable into the bootstrap')
    .option('--token-file <path>', 'gRPC: token file sent as call credentials (gRFC A97 jwt_token_file); Envoy: read the token from this file')
    .option('--tls-ca <pem>', 'connect over TLS, trusting this CA')
    .option('--tls-cert <pem>', 'client certificate for mTLS (xds.auth.mode mtls)')
    .option('--tls-key <pem>', 'private key of the client certificate')
    .option('--delta', 'Envoy: use incremental xDS (DELTA_GRPC)')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action((options: BootstrapCommandOptions) => done(runBootstrap(options, terminal)));
}

export function runBootstrap(options: BootstrapCommandOptions, terminal: Terminal): number {
  const adminPort = Number(options.adminPort);
  if (!Number.isInteger(adminPort) || adminPort < 1 || adminPort > 65535) throw new UsageError(`--admin-port must be a port number 1–65535; got ${options.adminPort}`);
  if (Boolean(options.tlsCert) !== Boolean(options.tlsKey)) throw new UsageError('--tls-cert and --tls-key go together (the mTLS client certificate and its key)');
  if (options.tlsCert && !options.tlsCa) throw new UsageError('--tls-cert needs --tls-ca (the CA that signed the xDS server certificate)');
  const bootstrap: BootstrapOptions = {
    nodeId: options.node,
    xds: options.xds,
    cluster: options.cluster,
    adminPort,
    adminAddress: options.adminAddress,
    token: readToken(options),
    tokenFile: options.format === 'grpc' ? options.tokenFile : undefined,
    tlsCa: options.tlsCa,
    tlsCertificate: options.tlsCert,
    tlsKey: options.tlsKey,
    delta: options.delta,
  };
  let text: string;
  try {
    text = options.format === 'grpc' ? grpcBootstrap(bootstrap) : envoyBootstrap(bootstrap);
  } catch (error) {
    const flag = error instanceof XdsStreamError ? '--node' : '--xds';
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
  if (options.output) {
    fs.writeFileSync(options.output, text, { mode: bootstrap.token ? 0o600 : 0o644 });
    terminal.err(`meshplane: wrote the ${options.format} bootstrap for ${options.node} to ${options.output}\n`);
  } else {
    terminal.out(text);
  }
  return EXIT_OK;
}

function readToken(options: BootstrapCommandOptions): string | undefined {
  if (options.format !== 'envoy') {
    if (options.tokenEnv) throw new UsageError('--token-env is for Envoy bootstraps; gRPC clients read a token file: use --token-file');
    return undefined;
  }
  if (options.tokenEnv) {
    const value = process.env[options.tokenEnv];
    if (!value) throw new UsageError(`--token-env ${options.tokenEnv}: that environment variable is not set`);
    return value;
  }
  if (options.tokenFile) {
    try {
      return fs.readFileSync(options.tokenFile, 'utf8').trim();
    } catch (error) {
      throw new UsageError(`--token-file ${options.tokenFile}: ${(error as Error).message}`);
    }
  }
  return undefined;
}
