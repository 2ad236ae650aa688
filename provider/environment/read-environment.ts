// Reads a parsed `environment.yaml` once into the typed settings every feature takes its section
// from: checked against the environment schema, each valid setting over its default.
import { Diagnostic, joinPointer } from '../model/diagnostic';
import { Position } from '../model/resource';
import { checkEnvironmentSchema } from './check-environment-schema';
import { didYouMean } from '../validate/did-you-mean';
import { overrideProblem, RULE_CATALOG } from '../validate/rule-catalog';
import { defaultEnvironment, EnvironmentConfig, RuleSeverity } from './environment-config';

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
      const pointer = joinPointer('/validation/rules', rule);
      if (!valid(pointer, severity)) continue;
      const problem = ruleOverrideProblem(rule, severity as RuleSeverity);
      if (problem) diagnostics.push({ code: 'ENV-1', severity: 'error', message: problem, file, ...locate(pointer), pointer });
      else config.validation.rules[rule] = severity as RuleSeverity;
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

/** Why `validation.rules` cannot set `rule` to `severity`: an unknown rule, or one whose errors it would lower. */
function ruleOverrideProblem(rule: string, severity: RuleSeverity): string | undefined {
  if (!(rule in RULE_CATALOG)) {
    const suggestion = didYouMean(rule, Object.keys(RULE_CATALOG));
    return `"${rule}" is not a validation rule ID${suggestion ? `; did you mean "${suggestion}"?` : ''} (docs/validation-rules.md lists them).`;
  }
  return overrideProblem(rule, severity);
}
