// What a per-environment stack needs beyond the mesh documents: which targets to synthesize,
// the private DNS zone and VPC for the discovery target, and — from the operator configuration
// only — where Terraform keeps state and how the AWS provider is configured.
// Read from the `terraform` section of environment.yaml by reconciler/terraform/settings.ts.
import { Position } from '../model/resource';
import { AwsProviderSettings } from './aws-provider-settings';

export const SYNTH_TARGETS = ['discovery', 'appmesh'] as const;
export type SynthTarget = (typeof SYNTH_TARGETS)[number];

export interface S3BackendSettings {
  bucket: string;
  key: string;
  region?: string;
  /** State locking through a DynamoDB table (the classic way). */
  dynamodbTable?: string;
  /** State locking through an S3 lock file (Terraform ≥ 1.10). */
  useLockfile?: boolean;
  encrypt?: boolean;
}

export interface BackendSettings {
  s3?: S3BackendSettings;
  /** Local state file, relative to the stack's working directory unless absolute. */
  local?: { path: string };
}

export interface AwsStackSettings {
  targets: SynthTarget[];
  /** Route 53 private zone in which every virtual service name gets a record (e.g. `apps.local`). */
  privateZone?: string;
  /** VPC the private zone and Cloud Map namespaces are attached to. */
  vpcId?: string;
  /** Address the virtual service records point at; Envoy intercepts the traffic, so any address works. */
  serviceAddress: string;
  /** TTL of the virtual service records, in seconds. */
  recordTtl: number;
  backend?: BackendSettings;
  /** The provider version and block (the operator's terraform.provider); defaults without one. */
  provider?: AwsProviderSettings;
}

/** What only the operator configuration sets in a stack. */
export type OperatorStackSettings = Pick<AwsStackSettings, 'backend' | 'provider'>;

export const DEFAULT_SERVICE_ADDRESS = '10.10.10.10';
export const DEFAULT_RECORD_TTL = 300;

export function defaultStackSettings(): AwsStackSettings {
  return { targets: [...SYNTH_TARGETS], serviceAddress: DEFAULT_SERVICE_ADDRESS, recordTtl: DEFAULT_RECORD_TTL };
}

/** Where the settings were written, so that diagnostics about them point at environment.yaml. */
export interface SettingsSource {
  file: string;
  locate(pointer: string): Position;
}
