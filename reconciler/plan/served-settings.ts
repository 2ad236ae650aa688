// The environment.yaml settings that change what a revision validates, translates or serves. A
// commit that changes only them is a change like a resource change: planned with its blast radius,
// recorded in the revision, restored by a rollback.
import {
  DEFAULT_QUOTAS,
  DEFAULT_VALIDATION,
  DiscoverySettings,
  EnvironmentConfig,
  QuotaSettings,
  StaticInstanceSetting,
  ValidationSettings,
} from '../../provider/environment/environment-config';
import { canonicalize, stableStringify } from './canonical';
import { diffValues } from './diff';
import { SettingChange, SettingEffect } from './plan-types';

export interface ServedSettings {
  account: string;
  region: string;
  partition: string;
  /** App Mesh's hidden default retry policy on routes without one (every HTTP-family route). */
  defaultRetryPolicy: boolean;
  validation: ValidationSettings;
  quotas: QuotaSettings;
  /** Static instances, served by EDS like registered ones. */
  discovery: DiscoverySettings;
}

/** What the plan/apply API takes: the environment's typed settings, or a revision's recorded ones (older revisions lack the newer keys). */
export type EnvironmentSettings = Pick<EnvironmentConfig, 'name' | 'account' | 'region' | 'partition'> &
  Partial<Pick<EnvironmentConfig, 'defaultRetryPolicy' | 'validation' | 'quotas' | 'discovery'>>;

/** The served settings of an environment; keys a source does not say are their defaults. */
export function servedSettings(settings: EnvironmentSettings): ServedSettings {
  return {
    account: settings.account,
    region: settings.region,
    partition: settings.partition,
    defaultRetryPolicy: settings.defaultRetryPolicy ?? true,
    validation: { ...DEFAULT_VALIDATION, ...settings.validation },
    quotas: { ...DEFAULT_QUOTAS, ...settings.quotas },
    discovery: { instances: settings.discovery?.instances ?? [] },
  };
}

const EFFECTS: [RegExp, SettingEffect][] = [
  [/^(defaultRetryPolicy|region|discovery)\b/, 'translation'],
  [/^(account|partition)\b/, 'identity'],
  [/^(validation|quotas)\b/, 'validation'],
];

/** Leaf-level setting changes from the applied revision's settings to the desired ones; an instance is one line. */
export function settingChanges(before: ServedSettings, after: ServedSettings): SettingChange[] {
  return diffValues(comparable(before), comparable(after)).map((entry) => ({ ...entry, effect: EFFECTS.find(([pattern]) => pattern.test(entry.path))?.[1] ?? 'validation' }));
}

function comparable(settings: ServedSettings): Record<string, unknown> {
  return { ...settings, discovery: { instances: settings.discovery.instances.map(describeInstance) } };
}

/** `apps.local/serviceb 10.0.1.17:80`, plus the id, health and attributes when set. */
function describeInstance(instance: StaticInstanceSetting): string {
  const extras = [
    instance.id !== undefined ? `id ${instance.id}` : '',
    instance.healthy !== undefined ? (instance.healthy ? 'healthy' : 'unhealthy') : '',
    instance.attributes ? `attributes ${stableStringify(canonicalize(instance.attributes))}` : '',
  ].filter(Boolean);
  return `${instance.namespace}/${instance.service} ${instance.address}:${instance.port}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}
