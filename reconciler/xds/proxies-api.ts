// GET /api/proxies: the connected proxies, their flavour and, per resource type, the version sent,
// the version ACKed and the last NACK with the proxy's error text. Mounted on the daemon's HTTP port.
import { HttpRouter, sendJson } from '../http/router';
import { ProxyStatus } from './proxy-session';

export const PROXIES_PATH = '/api/proxies';

export interface ProxyInventory {
  proxies(): ProxyStatus[];
}

/** `?mesh=apps` and `?identity=VirtualNode/apps/serviceA` (or a node id) narrow the list. */
export function proxiesRoutes(inventory: ProxyInventory): HttpRouter {
  return new HttpRouter().get(PROXIES_PATH, (request, response) => {
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    const mesh = query.get('mesh');
    const identity = query.get('identity');
    const proxies = inventory
      .proxies()
      .filter((p) => (mesh === null || p.meshName === mesh) && (identity === null || p.identity === identity || p.nodeId === identity));
    sendJson(response, 200, { count: proxies.length, proxies });
  });
}
