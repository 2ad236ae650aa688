export { EndpointRegistry, serviceKey } from './endpoint-registry';
export type { InstanceInput, RegisteredInstance, StaticInstance } from './endpoint-registry';
export { registryRoutes, REGISTRY_API_PREFIX } from './registry-api';
export { readDiscoverySettings } from './discovery-settings';
export type { DiscoverySettings, SectionSource } from './discovery-settings';
export { RegistryError } from './errors';
export { EtcdEndpointRegistry } from './etcd-registry';
export type { InstanceRegistry, RegistrationOptions } from './instance-registry';
