// The registry's HTTP API, in Cloud Map's terms (RegisterInstance, DeregisterInstance,
// UpdateInstanceCustomHealthStatus, ListNamespaces, ListInstances), mounted on the daemon's HTTP port:
//
//   GET    /api/registry/namespaces
//   GET    /api/registry/namespaces/:namespace/services/:service/instances
//   PUT    /api/registry/namespaces/:namespace/services/:service/instances/:id        {address, port, attributes?, healthy?, ttl?}
//   DELETE /api/registry/namespaces/:namespace/services/:service/instances/:id
//   PUT    /api/registry/namespaces/:namespace/services/:service/instances/:id/health {status: HEALTHY|UNHEALTHY}
import { createHash, timingSafeEqual } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { HttpRequestError, HttpRouter, readJsonBody, RouteHandler, RouteParams, sendJson } from '../http/router';
import { AddressPolicy, checkAddress, DEFAULT_ADDRESS_POLICY } from './address-policy';
import { InstanceInput, instanceAddress } from './endpoint-registry';
import { RegistryError, registryErrors } from './errors';
import { InstanceRegistry } from './instance-registry';

export const REGISTRY_API_PREFIX = '/api/registry';

export interface RegistryApiOptions {
  /**
   * The token writes need as `authorization: Bearer <token>` (a function is asked per request, so a
   * rotated secret takes effect); reads stay open. Without one, writes are refused.
   */
  writeToken?: string | (() => string | undefined);
  /** Accept writes without a token: the operator said so explicitly (registry.allowUnauthenticatedWrites). */
  allowUnauthenticatedWrites?: boolean;
  /** Loopback and link-local addresses are refused unless allowed (default: both refused). */
  addressPolicy?: AddressPolicy;
}

export function registryRoutes(registry: InstanceRegistry, options: RegistryApiOptions = {}): HttpRouter {
  const instancePath = `${REGISTRY_API_PREFIX}/namespaces/:namespace/services/:service/instances/:id`;
  const write = (handler: RouteHandler): RouteHandler => (request, response, params) => {
    if (!options.allowUnauthenticatedWrites) {
      const token = typeof options.writeToken === 'function' ? options.writeToken() : options.writeToken;
      if (token === undefined) {
        request.resume();
        return sendJson(response, 403, { error: registryErrors.writesDisabled().message });
      }
      if (!bearerMatches(request, token)) {
        request.resume();
        return sendJson(response, 401, { error: 'registry writes need "authorization: Bearer <token>" with the registry write token' });
      }
    }
    return handler(request, response, params);
  };
  return new HttpRouter()
    .get(`${REGISTRY_API_PREFIX}/namespaces`, (_request, response) => sendJson(response, 200, { namespaces: registry.namespaces() }))
    .get(`${REGISTRY_API_PREFIX}/namespaces/:namespace/services/:service/instances`, (_request, response, { namespace, service }) =>
      sendJson(response, 200, { namespace, service, instances: registry.instances(namespace, service) }),
    )
    .add('PUT', instancePath, write(guard(async (request, response, { namespace, service, id }) => {
      const body = await readJsonBody(request);
      if (!isRecord(body)) throw registryErrors.badBody('{"address": "10.0.0.7", "port": 80, "attributes": {"version": "v2"}}');
      const existed = registry.instances(namespace, service).some((i) => i.id === id);
      // ttl (seconds): the registration expires unless registered again within it (etcd backend).
      if (body.ttl !== undefined && !registry.supportsTtl) throw registryErrors.ttlUnsupported();
      const address = instanceAddress(body as InstanceInput);
      if (typeof address === 'string') checkAddress(address, options.addressPolicy ?? DEFAULT_ADDRESS_POLICY);
      const instance = await registry.register(namespace, service, id, body as InstanceInput, body.ttl === undefined ? undefined : { ttlSeconds: body.ttl as number });
      sendJson(response, existed ? 200 : 201, instance);
    })))
    .add('DELETE', instancePath, write(guard(async (_request, response, { namespace, service, id }) => {
      if (!(await registry.deregister(namespace, service, id))) throw registryErrors.unknownInstance(namespace, service, id);
      response.writeHead(204).end();
    })))
    .add('PUT', `${instancePath}/health`, write(guard(async (request, response, { namespace, service, id }) => {
      const body = await readJsonBody(request);
      const status = isRecord(body) ? body.status : undefined;
      if (status !== 'HEALTHY' && status !== 'UNHEALTHY') throw registryErrors.badHealth(status);
      sendJson(response, 200, await registry.setHealth(namespace, service, id, status === 'HEALTHY'));
    })));
}

/** Turns registry and request errors into JSON replies with their status. */
function guard(handler: (request: IncomingMessage, response: ServerResponse, params: RouteParams) => void | Promise<void>): RouteHandler {
  return async (request, response, params) => {
    try {
      await handler(request, response, params);
    } catch (error) {
      if (error instanceof RegistryError || error instanceof HttpRequestError) sendJson(response, error.status, { error: error.message });
      else throw error;
    }
  };
}

function bearerMatches(request: IncomingMessage, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
  if (!match) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
