// The embedded endpoint registry: Cloud Map's model (namespaces → services → instances with
// attributes and health), fed by the HTTP API and by environment.yaml, read by the translation as
// its EndpointSource. A private DNS namespace publishes `<service>.<namespace>`, so `dns`
// discovery of such a name is answered from here too; other hostnames are left to the proxy's
// own DNS resolution (undefined), as App Mesh does.
import { isIP } from 'node:net';
import { DiscoveryQuery, Endpoint, EndpointSource } from '../../provider/envoy/snapshot';
import { registryErrors } from './errors';

export interface InstanceInput {
  address?: string;
  port?: number;
  /** Cloud Map attributes; AWS_INSTANCE_IPV4 / AWS_INSTANCE_IPV6 / AWS_INSTANCE_PORT stand for address and port. */
  attributes?: Record<string, string>;
  healthy?: boolean;
}

export type InstanceOrigin = 'api' | 'static';

export interface RegisteredInstance {
  namespace: string;
  service: string;
  id: string;
  address: string;
  port: number;
  healthy: boolean;
  attributes: Readonly<Record<string, string>>;
  origin: InstanceOrigin;
  updatedAt: string;
}

export interface StaticInstance extends InstanceInput {
  namespace: string;
  service: string;
  id?: string;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,252}$/;

/** `apps.local/serviceb`: services are matched case-insensitively, as DNS names are. */
export function serviceKey(namespace: string, service: string): string {
  return `${namespace.toLowerCase().replace(/\.$/, '')}/${service.toLowerCase()}`;
}

export class EndpointRegistry implements EndpointSource {
  /** serviceKey → instance id → instance. */
  private readonly services = new Map<string, Map<string, RegisteredInstance>>();
  private readonly listeners = new Set<(changed: ReadonlySet<string>) => void>();
  private pending: Set<string> | undefined;

  lookup(query: DiscoveryQuery): readonly Endpoint[] | undefined {
    let instances: Map<string, RegisteredInstance> | undefined;
    let filter: Readonly<Record<string, string>> = {};
    if (query.type === 'cloudMap') {
      instances = this.services.get(serviceKey(query.namespaceName, query.serviceName));
      filter = query.attributes;
    } else {
      const hostname = query.hostname.toLowerCase().replace(/\.$/, '');
      const dot = hostname.indexOf('.');
      if (dot > 0) instances = this.services.get(serviceKey(hostname.slice(dot + 1), hostname.slice(0, dot)));
    }
    if (!instances) return undefined;
    const endpoints: Endpoint[] = [];
    for (const instance of instances.values()) {
      if (Object.entries(filter).every(([key, value]) => instance.attributes[key] === value)) {
        endpoints.push({ address: instance.address, port: instance.port, healthy: instance.healthy, attributes: instance.attributes });
      }
    }
    // A stable order, so identical registrations give identical EDS bytes (and versions) on every replica.
    return endpoints.sort((a, b) => a.address.localeCompare(b.address) || a.port - b.port);
  }

  /** Called (batched, once per tick) with the serviceKeys whose instances changed. */
  subscribe(listener: (changed: ReadonlySet<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** RegisterInstance: adds or replaces an instance; throws RegistryError on invalid input. */
  register(namespace: string, service: string, id: string, input: InstanceInput): RegisteredInstance {
    const existing = this.services.get(serviceKey(namespace, service))?.get(id);
    if (existing?.origin === 'static') throw registryErrors.staticInstance(namespace, service, id);
    const instance = makeInstance(namespace, service, id, input, 'api');
    this.put(instance);
    return instance;
  }

  /** DeregisterInstance; false when there was no such instance. */
  deregister(namespace: string, service: string, id: string): boolean {
    const key = serviceKey(namespace, service);
    const instances = this.services.get(key);
    const existing = instances?.get(id);
    if (!existing) return false;
    if (existing.origin === 'static') throw registryErrors.staticInstance(namespace, service, id);
    instances!.delete(id);
    if (instances!.size === 0) this.services.delete(key);
    this.changed(key);
    return true;
  }

  /** UpdateInstanceCustomHealthStatus (static instances too: health is runtime state). */
  setHealth(namespace: string, service: string, id: string, healthy: boolean): RegisteredInstance {
    const key = serviceKey(namespace, service);
    const existing = this.services.get(key)?.get(id);
    if (!existing) throw registryErrors.unknownInstance(namespace, service, id);
    if (existing.healthy === healthy) return existing;
    const updated = { ...existing, healthy, updatedAt: new Date().toISOString() };
    this.services.get(key)!.set(id, updated);
    this.changed(key);
    return updated;
  }

  /** Replaces the instances declared in environment.yaml; health marks of instances that stay are kept. */
  setStatic(declared: readonly StaticInstance[]): void {
    const next = new Map<string, { instance: RegisteredInstance; healthDeclared: boolean }>();
    for (const entry of declared) {
      const instance = makeInstanceCheck(entry);
      next.set(`${serviceKey(entry.namespace, entry.service)}#${instance.id}`, { instance, healthDeclared: entry.healthy !== undefined });
    }
    for (const [key, instances] of this.services) {
      for (const [id, current] of instances) {
        if (current.origin !== 'static') continue;
        const replacement = next.get(`${key}#${id}`);
        if (!replacement) {
          instances.delete(id);
          if (instances.size === 0) this.services.delete(key);
          this.changed(key);
        } else if (!replacement.healthDeclared) {
          replacement.instance.healthy = current.healthy;
        }
      }
    }
    for (const { instance } of next.values()) this.put(instance);
  }

  /** ListNamespaces / ListServices: every service with its instance count. */
  namespaces(): { namespace: string; services: { service: string; instances: number }[] }[] {
    const byNamespace = new Map<string, { namespace: string; services: { service: string; instances: number }[] }>();
    for (const instances of this.services.values()) {
      const first = instances.values().next().value as RegisteredInstance;
      const entry = byNamespace.get(first.namespace.toLowerCase()) ?? { namespace: first.namespace, services: [] };
      entry.services.push({ service: first.service, instances: instances.size });
      byNamespace.set(first.namespace.toLowerCase(), entry);
    }
    return [...byNamespace.values()].sort((a, b) => a.namespace.localeCompare(b.namespace));
  }

  /** ListInstances of one service (empty when unknown). */
  instances(namespace: string, service: string): RegisteredInstance[] {
    return [...(this.services.get(serviceKey(namespace, service))?.values() ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  }

  private put(instance: RegisteredInstance): void {
    const key = serviceKey(instance.namespace, instance.service);
    let instances = this.services.get(key);
    if (!instances) this.services.set(key, (instances = new Map()));
    const existing = instances.get(instance.id);
    instances.set(instance.id, instance);
    if (!existing || !sameEndpoint(existing, instance)) this.changed(key);
  }

  private changed(key: string): void {
    if (!this.pending) {
      this.pending = new Set();
      queueMicrotask(() => {
        const changed = this.pending!;
        this.pending = undefined;
        for (const listener of this.listeners) listener(changed);
      });
    }
    this.pending.add(key);
  }
}

function sameEndpoint(a: RegisteredInstance, b: RegisteredInstance): boolean {
  if (a.address !== b.address || a.port !== b.port || a.healthy !== b.healthy) return false;
  const keys = Object.keys(a.attributes);
  return keys.length === Object.keys(b.attributes).length && keys.every((k) => a.attributes[k] === b.attributes[k]);
}

/** Validates a declared instance as the registry would; throws RegistryError. */
export function makeInstanceCheck(entry: StaticInstance): RegisteredInstance {
  return makeInstance(entry.namespace, entry.service, entry.id ?? `${entry.address}:${entry.port}`, entry, 'static');
}

function makeInstance(namespace: string, service: string, id: string, input: InstanceInput, origin: InstanceOrigin): RegisteredInstance {
  if (typeof namespace !== 'string' || !NAME.test(namespace)) throw registryErrors.badName('namespace', namespace);
  if (typeof service !== 'string' || !NAME.test(service)) throw registryErrors.badName('service', service);
  if (typeof id !== 'string' || !/^[A-Za-z0-9_.:\-[\]]{1,64}$/.test(id)) throw registryErrors.badName('instance id', id);
  const attributes = input.attributes ?? {};
  if (typeof attributes !== 'object' || Array.isArray(attributes) || Object.values(attributes).some((v) => typeof v !== 'string')) {
    throw registryErrors.badAttributes();
  }
  const address = instanceAddress(input);
  if (typeof address !== 'string' || isIP(address) === 0) throw registryErrors.badAddress(address);
  const port = input.port ?? (attributes.AWS_INSTANCE_PORT !== undefined ? Number(attributes.AWS_INSTANCE_PORT) : undefined);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw registryErrors.badPort(input.port ?? attributes.AWS_INSTANCE_PORT);
  if (input.healthy !== undefined && typeof input.healthy !== 'boolean') throw registryErrors.badHealth(input.healthy);
  return { namespace, service, id, address, port, healthy: input.healthy ?? true, attributes: { ...attributes }, origin, updatedAt: new Date().toISOString() };
}

/** The address an instance input gives: `address`, or the Cloud Map attribute standing for it. */
export function instanceAddress(input: InstanceInput): unknown {
  return input.address ?? input.attributes?.AWS_INSTANCE_IPV4 ?? input.attributes?.AWS_INSTANCE_IPV6;
}
