// The `hashicorp/aws` provider of an environment's stack: which versions Terraform may install and
// the provider block's settings. Only the operator configuration sets them (terraform.provider of
// meshplane.yaml); the repository never does, because endpoints, profiles and roles decide where
// credentials go.
import * as semver from 'semver';

export interface AwsAssumeRole {
  roleArn: string;
  sessionName?: string;
  externalId?: string;
  /** A Go duration such as `1h` or `15m`. */
  duration?: string;
}

export interface AwsProviderSettings {
  /** Terraform version constraint of `hashicorp/aws` (`5.100.0`, `~> 6.0`, `>= 5.100.0, < 7.0.0`). */
  version: string;
  profile?: string;
  assumeRole?: AwsAssumeRole;
  /** Service name → endpoint URL (`appmesh`, `servicediscovery`, `route53`, `sts`, …). */
  endpoints?: Record<string, string>;
  defaultTags?: Record<string, string>;
  skipCredentialsValidation?: boolean;
  skipRequestingAccountId?: boolean;
  skipMetadataApiCheck?: boolean;
  skipRegionValidation?: boolean;
  /** Set allowed_account_ids to environment.yaml's account, so a plan never touches another account. */
  allowedAccountIds: boolean;
}

/** The version @cdktf/provider-aws 21.22.1 was generated from: what a stack pins unless the operator says otherwise. */
export const GENERATED_AWS_PROVIDER_VERSION = '6.25.0';

/**
 * Versions whose schema has the resources and attributes the stacks use: 5.100.0 is the oldest
 * checked (the real-plan tests in test/terraform plan the bundled environments and a generated one
 * with it), 6.25.0 the schema the bindings were generated from; hashicorp/aws removes attributes
 * only in major versions, so the range ends before 7.0.0.
 */
export const SUPPORTED_AWS_PROVIDER = { minimum: '5.100.0', below: '7.0.0' } as const;
export const SUPPORTED_AWS_PROVIDER_RANGE = `>= ${SUPPORTED_AWS_PROVIDER.minimum}, < ${SUPPORTED_AWS_PROVIDER.below}`;

export function defaultAwsProviderSettings(): AwsProviderSettings {
  return { version: GENERATED_AWS_PROVIDER_VERSION, allowedAccountIds: true };
}

export interface AwsProviderProblem {
  /** The setting at fault. */
  key: keyof AwsProviderSettings;
  message: string;
}

/** Why the provider settings cannot produce a working plan, or an empty list. */
export function awsProviderProblems(settings: AwsProviderSettings): AwsProviderProblem[] {
  const problems: AwsProviderProblem[] = [];
  const version = (message: string) => problems.push({ key: 'version', message });
  const range = semverRange(settings.version);
  if (range === undefined) {
    version(
      `the hashicorp/aws version constraint "${settings.version}" is not a Terraform version constraint; write e.g. "5.100.0", "~> 6.0" or "${SUPPORTED_AWS_PROVIDER_RANGE}".`,
    );
  } else if (semver.minVersion(range) === null) {
    version(`the hashicorp/aws version constraint "${settings.version}" admits no version at all; the supported range is ${SUPPORTED_AWS_PROVIDER_RANGE}.`);
  } else if (!semver.subset(range, `>=${SUPPORTED_AWS_PROVIDER.minimum} <${SUPPORTED_AWS_PROVIDER.below}`)) {
    version(
      `the hashicorp/aws version constraint "${settings.version}" admits versions outside the supported range ${SUPPORTED_AWS_PROVIDER_RANGE}, ` +
        'whose schemas have every resource and attribute meshplane synthesizes; constrain it within that range (e.g. "~> 6.0" or "5.100.0").',
    );
  }
  if (settings.allowedAccountIds && settings.skipRequestingAccountId) {
    problems.push({
      key: 'skipRequestingAccountId',
      message:
        'allowedAccountIds needs the account ID the provider requests, and skipRequestingAccountId skips that request, so every plan would fail with ' +
        '"AWS account ID not allowed"; set allowedAccountIds: false with skipRequestingAccountId: true.',
    });
  }
  return problems;
}

/** Terraform's constraint syntax as a node-semver range; undefined when it is not one. */
function semverRange(constraint: string): string | undefined {
  const parts = constraint.split(',').map((part) => part.trim());
  const comparators: string[] = [];
  for (const part of parts) {
    const match = /^(=|!=|>=|<=|>|<|~>)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?$/.exec(part);
    if (!match) return undefined;
    const [, op = '=', major, minor, patch, pre = ''] = match;
    const full = `${major}.${minor ?? 0}.${patch ?? 0}${pre}`;
    if (op === '~>') {
      // `~> 5.100.0`: patch releases of 5.100; `~> 5.100` (or `~> 5`): any 5.x from there.
      const upper = patch !== undefined ? `${major}.${Number(minor) + 1}.0` : `${Number(major) + 1}.0.0`;
      comparators.push(`>=${full}`, `<${upper}`);
    } else if (op !== '!=') {
      // Excluding one version never widens the set, so `!=` does not change the range check.
      comparators.push(op === '=' ? full : `${op}${full}`);
    }
  }
  const range = comparators.join(' ') || '*';
  return semver.validRange(range) ? range : undefined;
}
