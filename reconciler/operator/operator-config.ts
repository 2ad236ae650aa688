// The operator configuration (`meshplane serve --config meshplane.yaml`, schemas/operator-config.schema.json):
// everything that touches secrets, hosts, files outside the repository or binaries. A commit
// changes the mesh and nothing else; the repository's environment.yaml at most selects among the
// names declared here (status.reporters). docs/configuration.md is the reference.
import { apiSettings, ApiOperatorSettings } from './api-settings';
import type { TerraformProviderInput } from './terraform-provider';

/** A secret is read from the daemon's environment or from a file; never written in the configuration or on argv. */
export type SecretRef = { env: string } | { file: string };

export interface ForgeReporterDeclaration {
  kind: 'github' | 'gitea';
  owner: string;
  repo: string;
  baseUrl?: string;
  token: SecretRef;
}

export interface GitLabReporterDeclaration {
  kind: 'gitlab';
  project: string | number;
  baseUrl?: string;
  token: SecretRef;
}

export type ReporterDeclaration = ForgeReporterDeclaration | GitLabReporterDeclaration;

/** The reporter every daemon has, without declaring it: statuses as git notes of the repository. */
export const GIT_NOTES_REPORTER = 'git-notes';

export interface TerraformOperatorSettings {
  /** Executable for init/plan/apply: a name on PATH or an absolute path. */
  binary: string;
  /** Whether the daemon applies the saved plan (it always plans). */
  apply: boolean;
  /** TF_CLI_CONFIG_FILE of the child. */
  cliConfigFile?: string;
  /** The child's environment: these names passed from the daemon's, these values set (besides PATH, HOME and TF_*). */
  env: { pass: string[]; set: Record<string, string> };
  backend?: { s3: { bucket: string; key: string; region?: string; dynamodbTable?: string; useLockfile?: boolean; encrypt?: boolean } } | { local: { dir: string } };
  /** The hashicorp/aws version and provider block (terraform-provider.ts). */
  provider?: TerraformProviderInput;
}

export interface XdsOperatorSettings {
  auth: { mode: 'none' | 'token' | 'mtls'; tokens: Record<string, SecretRef> };
  tls?: { certificate: string; privateKey: string; clientCa?: string };
  /** Allow auth none on a non-loopback address. */
  insecure: boolean;
  limits: {
    maxProxies?: number;
    maxConnections?: number;
    maxConcurrentStreams?: number;
    maxMessageBytes?: number;
    keepalive?: { timeSeconds?: number; timeoutSeconds?: number };
    idleTimeoutSeconds?: number;
    maxSubscriptionsPerStream?: number;
    nacksPerMinute?: number;
  };
}

export interface OperatorStoreSettings {
  backend?: 'embedded' | 'etcd';
  etcd?: {
    endpoints?: string[];
    prefix?: string;
    leaseTtl?: number;
    tls?: { ca?: string; cert?: string; key?: string };
    auth?: { user: { env: string }; password: { env: string } };
  };
}

export interface OperatorConfig {
  /** The file it was read from; undefined for the built-in defaults. */
  file?: string;
  listen: { http?: string; xds?: string };
  publicUrl?: string;
  dataDir?: string;
  source: { repo?: string; branch?: string; environments?: string[]; pollInterval?: number };
  logging: { level?: string; format?: 'auto' | 'json' | 'pretty' };
  reporters: Record<string, ReporterDeclaration>;
  defaultReporters: string[];
  webhook: { secret?: SecretRef; replayWindowSeconds?: number };
  registry: { writeToken?: SecretRef; allowUnauthenticatedWrites: boolean; allowLoopback: boolean; allowLinkLocal: boolean };
  dashboard: { token?: SecretRef };
  api: ApiOperatorSettings;
  xds: XdsOperatorSettings;
  http: { maxConnections?: number; allowedHosts: string[] };
  terraform: TerraformOperatorSettings;
  store: OperatorStoreSettings;
  limits: { filesPerEnvironment?: number; maxFileBytes?: number };
}

/** What the file may leave out: every section and key is optional. */
export type OperatorConfigInput = { [K in keyof OperatorConfig]?: Partial<OperatorConfig[K]> };

/** The safe local defaults of a daemon started without a configuration file (the quickstart). */
export function operatorConfig(input: OperatorConfigInput = {}): OperatorConfig {
  return {
    file: input.file as string | undefined,
    listen: { ...input.listen },
    publicUrl: input.publicUrl as string | undefined,
    dataDir: input.dataDir as string | undefined,
    source: { ...input.source },
    logging: { ...input.logging },
    reporters: { ...(input.reporters as Record<string, ReporterDeclaration> | undefined) },
    defaultReporters: (input.defaultReporters as string[] | undefined) ?? [GIT_NOTES_REPORTER],
    webhook: { ...input.webhook },
    registry: { allowUnauthenticatedWrites: false, allowLoopback: false, allowLinkLocal: false, ...input.registry },
    dashboard: { ...input.dashboard },
    api: apiSettings(input.api),
    xds: {
      insecure: false,
      ...input.xds,
      auth: { mode: 'none', tokens: {}, ...input.xds?.auth },
      limits: { ...input.xds?.limits },
    },
    http: { allowedHosts: [], ...input.http },
    terraform: {
      binary: 'terraform',
      apply: false,
      ...input.terraform,
      env: { pass: [], set: {}, ...input.terraform?.env },
    },
    store: { ...input.store },
    limits: { ...input.limits },
  };
}

/** Environment variables of the daemon a secret falls back to when the configuration names none. */
export const SECRET_VARIABLES = {
  webhook: 'MESHPLANE_WEBHOOK_SECRET',
  registryWrite: 'MESHPLANE_REGISTRY_TOKEN',
  dashboard: 'MESHPLANE_DASHBOARD_TOKEN',
} as const;
