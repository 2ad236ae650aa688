// Settings of one environment (`environments/<env>/environment.yaml`): everything that is not a
// resource, mesh-level only. Read once (read-environment.ts, checked against environment-schema.ts);
// each feature takes its section from here.
import { AwsStackSettings, defaultStackSettings } from '../aws/stack-settings';

export interface QuotaSettings {
  meshesPerAccount: number;
  virtualServicesPerMesh: number;
  virtualNodesPerMesh: number;
  virtualRoutersPerMesh: number;
  routesPerVirtualRouter: number;
  virtualGatewaysPerMesh: number;
  gatewayRoutesPerVirtualGateway: number;
  backendsPerVirtualNode: number;
  weightedTargetsPerRoute: number;
  envoysPerVirtualNode: number;
  envoysPerVirtualGateway: number;
}

export type RuleSeverity = 'error' | 'warning' | 'off';

export interface ValidationSettings {
  /** ID-3: `strict` (letters, digits, `-`, `_`; `.` for virtual services) or `compat` (any but `/`). */
  names: 'strict' | 'compat';
  /** R8: severity of a backend naming a virtual service that does not exist; `error` = `rules: {R8: error}`. */
  missingBackend: 'error' | 'warning';
  /** TLS-5: whether an ACM-compatible certificate provider is configured (else `acm` is rejected). */
  acmProvider: boolean;
  /** VN-SD-4: whether a Cloud Map-compatible discovery adapter is configured (else `awsCloudMap` is rejected). */
  cloudMapAdapter: boolean;
  /** Every warning (meshplane's opinion on what App Mesh accepted) becomes an error (severity-policy.ts). */
  strict: boolean;
  /** Severity per rule ID for its warnings and notes; errors are never lowered (severity-policy.ts). */
  rules: Record<string, RuleSeverity>;
}

/** An instance declared in `discovery.instances`, served by EDS like registered ones. */
export interface StaticInstanceSetting {
  namespace: string;
  service: string;
  address?: string;
  port?: number;
  /** Default `address:port`. */
  id?: string;
  healthy?: boolean;
  attributes?: Record<string, string>;
}

export interface DiscoverySettings {
  instances: StaticInstanceSetting[];
}

export interface MeshXdsSettings {
  /** Proxies allowed per identity: a number, `quota` for the envoysPer* quotas, undefined for no limit. */
  proxyLimit: number | 'quota' | undefined;
}

/** What the environment's Terraform stack holds; the binary, the state backend and the provider are the operator's. */
export interface TerraformEnvironmentSettings extends Omit<AwsStackSettings, 'backend' | 'provider'> {
  /** Run Terraform in plan/apply/the daemon. */
  enabled: boolean;
}

export interface StatusSelection {
  /** Reporter names the operator declared (`git-notes` always exists); empty: the operator's defaultReporters. */
  reporters: string[];
}

export interface EnvironmentConfig {
  /** Environment name (the folder name). */
  name: string;
  /** 12-digit owner account used to form ARNs (§1.2). */
  account: string;
  region: string;
  partition: string;
  quotas: QuotaSettings;
  validation: ValidationSettings;
  /** §12.1: apply App Mesh's hidden default retry policy (always, configurable). */
  defaultRetryPolicy: boolean;
  discovery: DiscoverySettings;
  xds: MeshXdsSettings;
  terraform: TerraformEnvironmentSettings;
  status: StatusSelection;
}

export const DEFAULT_QUOTAS: QuotaSettings = {
  meshesPerAccount: 15,
  virtualServicesPerMesh: 200,
  virtualNodesPerMesh: 200,
  virtualRoutersPerMesh: 200,
  routesPerVirtualRouter: 50,
  virtualGatewaysPerMesh: 3,
  gatewayRoutesPerVirtualGateway: 10,
  backendsPerVirtualNode: 50,
  weightedTargetsPerRoute: 10,
  envoysPerVirtualNode: 50,
  envoysPerVirtualGateway: 50,
};

export const DEFAULT_VALIDATION: ValidationSettings = {
  names: 'strict',
  missingBackend: 'warning',
  acmProvider: true,
  cloudMapAdapter: true,
  strict: false,
  rules: {},
};

export function defaultTerraformEnvironment(): TerraformEnvironmentSettings {
  return { ...defaultStackSettings(), enabled: false };
}

export function defaultEnvironment(name: string): EnvironmentConfig {
  return {
    name,
    account: '111122223333',
    region: 'us-west-2',
    partition: 'aws',
    quotas: { ...DEFAULT_QUOTAS },
    validation: { ...DEFAULT_VALIDATION, rules: {} },
    defaultRetryPolicy: true,
    discovery: { instances: [] },
    xds: { proxyLimit: undefined },
    terraform: defaultTerraformEnvironment(),
    status: { reporters: [] },
  };
}
