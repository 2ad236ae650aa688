// Errors of the endpoint registry: what happened, why, and the fix. `status` is the HTTP status the API answers with.
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const registryErrors = {
  badName: (what: string, value: unknown) =>
    new RegistryError(400, `${what} ${JSON.stringify(value)} is not valid: use 1–253 letters, digits, '.', '-' or '_' (Cloud Map names such as apps.local or serviceb)`),
  badAddress: (value: unknown) =>
    new RegistryError(
      400,
      `the instance address ${JSON.stringify(value)} is not an IPv4 or IPv6 address; give "address" or the Cloud Map attribute AWS_INSTANCE_IPV4 (or AWS_INSTANCE_IPV6)`,
    ),
  badPort: (value: unknown) =>
    new RegistryError(400, `the instance port ${JSON.stringify(value)} is not a port number 1–65535; give "port" or the attribute AWS_INSTANCE_PORT`),
  badAttributes: () =>
    new RegistryError(400, 'attributes must be an object of string keys to string values, e.g. {"version": "v2", "AWS_INSTANCE_IPV4": "10.0.0.7"}'),
  badBody: (expected: string) => new RegistryError(400, `the request body must be a JSON object: ${expected}`),
  badHealth: (value: unknown) => new RegistryError(400, `status ${JSON.stringify(value)} is not HEALTHY or UNHEALTHY`),
  unknownInstance: (namespace: string, service: string, id: string) =>
    new RegistryError(404, `no instance "${id}" is registered in service ${service} of namespace ${namespace}; list them with GET /api/registry/namespaces/${namespace}/services/${service}/instances`),
  ttlUnsupported: () =>
    new RegistryError(
      400,
      'ttl needs the etcd store (store.backend: etcd): the embedded registry keeps registrations in memory for the life of the process; register without ttl, or run meshplane serve --store etcd',
    ),
  writesDisabled: () =>
    new RegistryError(
      403,
      'registry writes are disabled: no registry write token is configured. Set registry.writeToken ({ env: NAME } or { file: /path }) in the operator configuration ' +
        '(or export MESHPLANE_REGISTRY_TOKEN) and send "authorization: Bearer <token>"; or, on a trusted network only, set registry.allowUnauthenticatedWrites: true (docs/configuration.md#registry)',
    ),
  refusedAddress: (address: string, range: 'loopback' | 'link-local' | 'unspecified') =>
    new RegistryError(
      403,
      range === 'unspecified'
        ? `the instance address ${address} is the unspecified address, which means "this host": it is never accepted; register the instance's routable address`
        : `the instance address ${address} is a ${range} address: an endpoint there sends the service's traffic to the meshplane host itself${range === 'link-local' ? ' or its cloud metadata service' : ''}. Register the instance's routable address; if ${range} endpoints are intended (a local test setup), the operator allows them with registry.${range === 'link-local' ? 'allowLinkLocal' : 'allowLoopback'}: true in meshplane.yaml`,
    ),
  staticInstance: (namespace: string, service: string, id: string) =>
    new RegistryError(
      409,
      `instance "${id}" of ${namespace}/${service} is declared in environment.yaml (discovery.instances); remove it there and commit, it cannot be deregistered through the API`,
    ),
};

/** Problems of instances declared in the `discovery` section of environment.yaml. */
export const discoverySettingMessages = {
  duplicate: (namespace: string, service: string, id: string) =>
    `instance "${id}" of ${namespace}/${service} is declared twice; give each instance a distinct id (or a distinct address:port)`,
};
