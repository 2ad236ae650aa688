// What the registry API and the daemon need from a registry, whichever backend holds it: the
// embedded EndpointRegistry (in memory, writes are immediate) or the EtcdEndpointRegistry (shared
// by replicas, writes go through etcd).
import { ObservableEndpointSource } from '../xds/translated-source';
import { InstanceInput, RegisteredInstance, StaticInstance } from './endpoint-registry';

export interface RegistrationOptions {
  /**
   * Seconds the registration lives unless registered again: the registrar refreshes it, and if it
   * dies the instance expires with its lease. Only the etcd backend keeps leases.
   */
  ttlSeconds?: number;
}

export interface InstanceRegistry extends ObservableEndpointSource {
  /** Whether registrations may carry a TTL (RegistrationOptions.ttlSeconds). */
  readonly supportsTtl?: boolean;
  register(namespace: string, service: string, id: string, input: InstanceInput, options?: RegistrationOptions): RegisteredInstance | Promise<RegisteredInstance>;
  deregister(namespace: string, service: string, id: string): boolean | Promise<boolean>;
  setHealth(namespace: string, service: string, id: string, healthy: boolean): RegisteredInstance | Promise<RegisteredInstance>;
  setStatic(declared: readonly StaticInstance[]): void;
  namespaces(): { namespace: string; services: { service: string; instances: number }[] }[];
  instances(namespace: string, service: string): RegisteredInstance[];
}
