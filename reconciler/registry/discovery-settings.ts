// The instances of environment.yaml's `discovery` section (shape checked by the environment
// schema), checked as the registry checks a registration: names, address, port, distinct ids.
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
import { EnvironmentConfig } from '../../provider/environment/environment-config';
import { AddressPolicy, checkAddress } from './address-policy';
import { makeInstanceCheck, StaticInstance } from './endpoint-registry';
import { discoverySettingMessages, RegistryError } from './errors';

export interface DiscoverySettings {
  instances: StaticInstance[];
}

/** Where the section came from, for positioned diagnostics. */
export interface SectionSource {
  file: string;
  locate(pointer: string): Position;
}

/**
 * With `policy` (the daemon's, from the operator configuration), addresses it refuses are errors
 * at the instance's address; without one (`meshplane validate`), any IP address is accepted.
 */
export function readDiscoverySettings(config: EnvironmentConfig, source: SectionSource, policy?: AddressPolicy): { settings: DiscoverySettings; diagnostics: Diagnostic[] } {
  const settings: DiscoverySettings = { instances: [] };
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  config.discovery.instances.forEach((instance, index) => {
    const at = joinPointer('/discovery/instances', index);
    const report = (message: string, pointer = at) => diagnostics.push({ code: 'ENV-DISCOVERY', severity: 'error', message, file: source.file, ...source.locate(pointer), pointer });
    try {
      const checked = makeInstanceCheck(instance);
      if (policy) {
        try {
          checkAddress(checked.address, policy);
        } catch (error) {
          if (error instanceof RegistryError) return report(error.message, joinPointer(at, instance.address === undefined ? 'attributes' : 'address'));
          throw error;
        }
      }
      const identity = `${checked.namespace.toLowerCase()}/${checked.service.toLowerCase()}#${checked.id}`;
      if (seen.has(identity)) return report(discoverySettingMessages.duplicate(checked.namespace, checked.service, checked.id));
      seen.add(identity);
      settings.instances.push(instance);
    } catch (error) {
      if (error instanceof RegistryError) report(error.message);
      else throw error;
    }
  });
  return { settings, diagnostics };
}
