// The common keys of the operator configuration that flags and environment variables override:
// flag > environment variable > file > default. An override is checked against the same schema as
// the file and refused naming the flag or the variable.
import { splitPointer } from '../../provider/model/diagnostic';
import { checkOperatorSchema } from './load-operator-config';
import { operatorConfig, OperatorConfig, OperatorConfigInput } from './operator-config';

interface OverridableKey {
  /** Where it lives in the configuration. */
  pointer: string;
  /** The flag's option name (commander's camelCase) and how it is spelled. */
  option: string;
  flag: string;
  variable: string;
  parse(text: string): unknown;
}

const text = (value: string) => value;
const number = (value: string) => (value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value);
const boolean = (value: string | boolean) => (typeof value === 'boolean' ? value : /^(1|true|yes)$/i.test(value) ? true : /^(0|false|no)$/i.test(value) ? false : value);
const list = (value: string | string[]) => (Array.isArray(value) ? value : value.split(',').map((item) => item.trim()).filter((item) => item !== ''));

export const OVERRIDABLE_KEYS: readonly OverridableKey[] = [
  { pointer: '/listen/http', option: 'httpListen', flag: '--http-listen', variable: 'MESHPLANE_HTTP_LISTEN', parse: text },
  { pointer: '/listen/xds', option: 'xdsListen', flag: '--xds-listen', variable: 'MESHPLANE_XDS_LISTEN', parse: text },
  { pointer: '/publicUrl', option: 'publicUrl', flag: '--public-url', variable: 'MESHPLANE_PUBLIC_URL', parse: text },
  { pointer: '/dataDir', option: 'dataDir', flag: '--data-dir', variable: 'MESHPLANE_DATA_DIR', parse: text },
  { pointer: '/source/repo', option: 'repo', flag: '--repo', variable: 'MESHPLANE_REPO', parse: text },
  { pointer: '/source/branch', option: 'branch', flag: '--branch', variable: 'MESHPLANE_BRANCH', parse: text },
  { pointer: '/source/environments', option: 'env', flag: '--env', variable: 'MESHPLANE_ENVIRONMENTS', parse: list as (t: string) => unknown },
  { pointer: '/source/pollInterval', option: 'pollInterval', flag: '--poll-interval', variable: 'MESHPLANE_POLL_INTERVAL', parse: number },
  { pointer: '/logging/level', option: 'logLevel', flag: '--log-level', variable: 'MESHPLANE_LOG_LEVEL', parse: text },
  { pointer: '/logging/format', option: 'logFormat', flag: '--log-format', variable: 'MESHPLANE_LOG_FORMAT', parse: text },
  { pointer: '/xds/insecure', option: 'xdsInsecure', flag: '--xds-insecure', variable: 'MESHPLANE_XDS_INSECURE', parse: boolean as (t: string) => unknown },
];

/**
 * `config` with the flags (by option name) and the variables over it. Problems name the flag or the
 * variable that holds a bad value.
 */
export function applyOverrides(config: OperatorConfig, flags: Record<string, unknown>, variables: NodeJS.ProcessEnv): { config: OperatorConfig; problems: string[] } {
  const overrides: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  for (const key of OVERRIDABLE_KEYS) {
    const flag = flags[key.option];
    const variable = variables[key.variable];
    if (flag !== undefined) {
      setAt(overrides, key.pointer, key.parse(flag as string));
      origin.set(key.pointer, key.flag);
    } else if (variable !== undefined && variable !== '') {
      setAt(overrides, key.pointer, key.parse(variable));
      origin.set(key.pointer, `$${key.variable}`);
    }
  }
  const problems = checkOperatorSchema(overrides, '', () => ({ line: 0, column: 0 })).map((d) => {
    const name = [...origin.entries()].find(([pointer]) => d.pointer === pointer || d.pointer.startsWith(pointer + '/'))?.[1];
    return `${name ?? 'override'}: ${d.message}`;
  });
  const merged = mergeDeep(withoutFile(config), overrides) as OperatorConfigInput;
  return { config: operatorConfig({ ...merged, file: config.file }), problems };
}

function setAt(target: Record<string, unknown>, pointer: string, value: unknown): void {
  const segments = splitPointer(pointer);
  let node = target;
  for (const segment of segments.slice(0, -1)) node = (node[segment] ??= {}) as Record<string, unknown>;
  node[segments[segments.length - 1]] = value;
}

function mergeDeep(base: unknown, over: unknown): unknown {
  if (!isRecord(base) || !isRecord(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = mergeDeep(base[key], value);
  return out;
}

function withoutFile(config: OperatorConfig): Record<string, unknown> {
  const { file: _file, ...rest } = config;
  return rest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

