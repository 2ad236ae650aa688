// Turns a parsed `environment.yaml` into settings, with a diagnostic for each key it cannot use.
import { Diagnostic, joinPointer } from '../model/diagnostic';
import { Position } from '../model/resource';
import { defaultEnvironment, DEFAULT_QUOTAS, DEFAULT_VALIDATION, EnvironmentConfig } from './environment-config';

/** Top-level sections owned by other areas; their contents are checked by those areas. */
export const ENVIRONMENT_SECTIONS = ['xds', 'discovery', 'terraform', 'status', 'store', 'secrets', 'drift'] as const;

const SCALAR_SETTINGS = ['account', 'region', 'partition', 'defaultRetryPolicy'] as const;

export function readEnvironment(
  name: string,
  value: unknown,
  file: string,
  locate: (pointer: string) => Position,
): { config: EnvironmentConfig; diagnostics: Diagnostic[] } {
  const config = defaultEnvironment(name);
  const diagnostics: Diagnostic[] = [];
  const report = (pointer: string, message: string) => {
    const { line, column } = locate(pointer);
    diagnostics.push({ code: 'ENV-1', severity: 'error', message, file, line, column, pointer });
  };
  if (value === undefined || value === null) return { config, diagnostics };
  if (!isRecord(value)) {
    report('', 'environment.yaml must be a mapping of settings (account, region, quotas, validation, …).');
    return { config, diagnostics };
  }
  for (const [key, setting] of Object.entries(value)) {
    const pointer = joinPointer('', key);
    if (key === 'account') {
      if (typeof setting === 'string' && /^\d{12}$/.test(setting)) config.account = setting;
      else report(pointer, `account must be a 12-digit account ID in quotes (e.g. "111122223333"); got ${JSON.stringify(setting)}.`);
    } else if (key === 'region' || key === 'partition') {
      if (typeof setting === 'string' && /^[a-z0-9-]+$/.test(setting)) config[key] = setting;
      else report(pointer, `${key} must be a name such as ${key === 'region' ? 'us-west-2' : 'aws'}; got ${JSON.stringify(setting)}.`);
    } else if (key === 'defaultRetryPolicy') {
      if (typeof setting === 'boolean') config.defaultRetryPolicy = setting;
      else report(pointer, `defaultRetryPolicy must be true or false; got ${JSON.stringify(setting)}.`);
    } else if (key === 'quotas') {
      readNumbers(setting, pointer, DEFAULT_QUOTAS, config.quotas, report);
    } else if (key === 'validation') {
      readValidation(setting, pointer, config, report);
    } else if ((ENVIRONMENT_SECTIONS as readonly string[]).includes(key)) {
      config.sections[key] = setting;
    } else {
      const known = [...SCALAR_SETTINGS, 'quotas', 'validation', ...ENVIRONMENT_SECTIONS];
      report(pointer, `unknown setting "${key}" in environment.yaml; known settings: ${known.join(', ')}.`);
    }
  }
  return { config, diagnostics };
}

function readNumbers<T extends object>(
  value: unknown,
  pointer: string,
  defaults: T,
  target: T,
  report: (pointer: string, message: string) => void,
): void {
  if (!isRecord(value)) return report(pointer, `${pointer.slice(1)} must be a mapping of names to numbers.`);
  for (const [key, n] of Object.entries(value)) {
    if (!(key in defaults)) {
      report(joinPointer(pointer, key), `unknown quota "${key}"; known quotas: ${Object.keys(defaults).join(', ')}.`);
    } else if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      report(joinPointer(pointer, key), `quota ${key} must be a positive whole number; got ${JSON.stringify(n)}.`);
    } else {
      (target as Record<string, number>)[key] = n;
    }
  }
}

function readValidation(value: unknown, pointer: string, config: EnvironmentConfig, report: (p: string, m: string) => void): void {
  if (!isRecord(value)) return report(pointer, 'validation must be a mapping (names, missingBackend, acmProvider, cloudMapAdapter).');
  for (const [key, setting] of Object.entries(value)) {
    const at = joinPointer(pointer, key);
    if (key === 'names' && (setting === 'strict' || setting === 'compat')) config.validation.names = setting;
    else if (key === 'missingBackend' && (setting === 'error' || setting === 'warning')) config.validation.missingBackend = setting;
    else if ((key === 'acmProvider' || key === 'cloudMapAdapter') && typeof setting === 'boolean') config.validation[key] = setting;
    else if (key in DEFAULT_VALIDATION) report(at, `validation.${key} has an invalid value ${JSON.stringify(setting)}.`);
    else report(at, `unknown validation setting "${key}"; known: ${Object.keys(DEFAULT_VALIDATION).join(', ')}.`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
