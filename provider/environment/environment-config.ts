// Settings of one environment (`environments/<env>/environment.yaml`): everything that is not mesh.
// Each area reads its own section; unknown sections are rejected by the loader's schema.

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

export interface ValidationSettings {
  /** ID-3: `strict` (letters, digits, `-`, `_`; `.` for virtual services) or `compat` (any but `/`). */
  names: 'strict' | 'compat';
  /** A-5 / VN-BE-3: severity of a backend naming a virtual service that does not exist. */
  missingBackend: 'error' | 'warning';
  /** TLS-5: whether an ACM-compatible certificate provider is configured (else `acm` is rejected). */
  acmProvider: boolean;
  /** VN-SD-4: whether a Cloud Map-compatible discovery adapter is configured (else `awsCloudMap` is rejected). */
  cloudMapAdapter: boolean;
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
  /** Sections owned by other areas (xds, discovery, terraform, status, store), as written. */
  sections: Record<string, unknown>;
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
  missingBackend: 'error',
  acmProvider: true,
  cloudMapAdapter: true,
};

export function defaultEnvironment(name: string): EnvironmentConfig {
  return {
    name,
    account: '111122223333',
    region: 'us-west-2',
    partition: 'aws',
    quotas: { ...DEFAULT_QUOTAS },
    validation: { ...DEFAULT_VALIDATION },
    defaultRetryPolicy: true,
    sections: {},
  };
}
