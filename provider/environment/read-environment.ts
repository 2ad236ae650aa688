// Reads a parsed `environment.yaml` once into the typed settings every feature takes its section
// from: checked against the environment schema, each valid setting over its default.
import { Diagnostic, joinPointer } from '../model/diagnostic';
import { Position } from '../model/resource';
import { checkEnvironmentSchema } from './check-environment-schema';
import { defaultEnvironment, EnvironmentConfig } from './environment-config';

export function readEnvironment(
  name: string,
  value: unknown,
  file: string,
  locate: (pointer: string) => Position,
): { config: EnvironmentConfig; diagnostics: Diagnostic[] } {
  const config = defaultEnvironment(name);
  // An empty file is an environment with every default.
  const diagnostics = checkEnvironmentSchema(value ?? {}, { file, locate });
  if (!isRecord(value)) return { config, diagnostics };

  const wrong = diagnostics.filter((d) => d.severity === 'error').map((d) => d.pointer);
  /** The setting at `pointer`, when it is written and nothing at, above or below it is wrong. */
  const valid = (pointer: string, setting: unknown): boolean =>
    setting !== undefined && !wrong.some((at) => at === pointer || at.startsWith(pointer + '/') || pointer.startsWith(at + '/'));
  /** Copies each valid member of `section` (at `pointer`) over `target`. */
  const copy = <T extends object>(target: T, section: unknown, pointer: string, keys: readonly (keyof T & string)[]) => {
    if (!isRecord(section)) return;
    for (const key of keys) if (valid(joinPointer(pointer, key), section[key])) (target as Record<string, unknown>)[key] = section[key];
  };

  copy(config, value, '', ['account', 'region', 'partition', 'defaultRetryPolicy']);
  copy(config.quotas, value.quotas, '/quotas', Object.keys(config.quotas) as (keyof typeof config.quotas)[]);
  copy(config.validation, value.validation, '/validation', ['names', 'missingBackend', 'acmProvider', 'cloudMapAdapter', 'strict']);
  if (isRecord(value.validation) && isRecord(value.validation.rules)) {
    for (const [rule, severity] of Object.entries(value.validation.rules)) {
      if (valid(joinPointer('/validation/rules', rule), severity)) config.validation.rules[rule] = severity as EnvironmentConfig['validation']['rules'][string];
    }
  }
  // All or none, so that instance i is still /discovery/instances/i for the registry's checks.
  if (isRecord(value.discovery) && valid('/discovery', value.discovery) && Array.isArray(value.discovery.instances)) {
    config.discovery.instances = value.discovery.instances;
  }
  if (isRecord(value.xds) && valid('/xds/proxyLimit', value.xds.proxyLimit)) {
    const limit = value.xds.proxyLimit as number | boolean;
    config.xds.proxyLimit = limit === true ? 'quota' : limit === false ? undefined : limit;
  }
  copy(config.terraform, value.terraform, '/terraform', ['enabled', 'targets', 'privateZone', 'vpcId', 'serviceAddress', 'recordTtl']);
  copy(config.status, value.status, '/status', ['reporters']);

  return { config, diagnostics };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
