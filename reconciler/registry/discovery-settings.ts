// The `discovery` section of environment.yaml: instances declared statically, served by EDS like
// registered ones.
//
//   discovery:
//     instances:
//       - namespace: apps.local        # Cloud Map namespace (or the DNS suffix of a dns hostname)
//         service: serviceb            # so serviceb.apps.local resolves here too
//         address: 10.0.1.17
//         port: 80
//         id: serviceb-1               # optional, default address:port
//         healthy: true                # optional
//         attributes: {version: v1}    # optional, for awsCloudMap attribute filters
import { Diagnostic, joinPointer } from '../../provider/model/diagnostic';
import { Position } from '../../provider/model/resource';
import { makeInstanceCheck, StaticInstance } from './endpoint-registry';
import { discoverySettingMessages, RegistryError } from './errors';

export const DISCOVERY_SECTION = 'discovery';
const KEYS = ['instances'] as const;
const INSTANCE_KEYS = ['namespace', 'service', 'address', 'port', 'id', 'healthy', 'attributes'];

export interface DiscoverySettings {
  instances: StaticInstance[];
}

/** Where the section came from, for positioned diagnostics. */
export interface SectionSource {
  file: string;
  locate(pointer: string): Position;
}

export function readDiscoverySettings(value: unknown, source: SectionSource): { settings: DiscoverySettings; diagnostics: Diagnostic[] } {
  const settings: DiscoverySettings = { instances: [] };
  const diagnostics: Diagnostic[] = [];
  const report = (pointer: string, message: string) =>
    diagnostics.push({ code: 'ENV-DISCOVERY', severity: 'error', message, file: source.file, ...source.locate(pointer), pointer });
  const root = `/${DISCOVERY_SECTION}`;
  if (value === undefined || value === null) return { settings, diagnostics };
  if (!isRecord(value)) {
    report(root, discoverySettingMessages.notMapping());
    return { settings, diagnostics };
  }
  for (const key of Object.keys(value)) if (!(KEYS as readonly string[]).includes(key)) report(joinPointer(root, key), discoverySettingMessages.unknownKey(key, KEYS));
  const list = value.instances;
  if (list === undefined) return { settings, diagnostics };
  const listPointer = joinPointer(root, 'instances');
  if (!Array.isArray(list)) {
    report(listPointer, discoverySettingMessages.instancesNotList());
    return { settings, diagnostics };
  }
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    const at = joinPointer(listPointer, String(index));
    if (!isRecord(entry)) return report(at, discoverySettingMessages.instanceNotMapping());
    for (const key of Object.keys(entry)) if (!INSTANCE_KEYS.includes(key)) report(joinPointer(at, key), discoverySettingMessages.unknownKey(key, INSTANCE_KEYS));
    const instance = entry as unknown as StaticInstance;
    try {
      const checked = makeInstanceCheck(instance);
      const identity = `${checked.namespace.toLowerCase()}/${checked.service.toLowerCase()}#${checked.id}`;
      if (seen.has(identity)) return report(at, discoverySettingMessages.duplicate(checked.namespace, checked.service, checked.id));
      seen.add(identity);
      settings.instances.push(instance);
    } catch (error) {
      if (error instanceof RegistryError) report(at, error.message);
      else throw error;
    }
  });
  return { settings, diagnostics };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
