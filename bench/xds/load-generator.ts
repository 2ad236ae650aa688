// Load generator for bench/xds.ts, in its own process: N proxies, each with its own connection and
// ADS stream (state of the world or delta), ACKing every response at once, as Envoy would.
import * as grpc from '@grpc/grpc-js';
import { AdsClient } from '../../reconciler/xds/ads-service';
import {
  decodeDeltaDiscoveryResponse,
  decodeDiscoveryResponse,
  encodeDeltaDiscoveryRequest,
  encodeDiscoveryRequest,
} from '../../reconciler/xds/discovery-messages';
import { TYPE_URLS } from '../../provider/envoy/snapshot';

export interface ProxyPlan {
  nodeId: string;
  /** Names an Envoy would subscribe to by name (CDS and LDS are wildcard). */
  routes: string[];
  endpoints: string[];
}

export type GeneratorCommand =
  | { cmd: 'connect'; address: string; protocol: 'sotw' | 'delta'; proxies: ProxyPlan[] }
  | { cmd: 'close' };

export interface GeneratorEvent {
  event: 'ready' | 'opened' | 'closed';
  /** Proxies that could not be connected (`opened`). */
  failed?: number;
}

type Client = InstanceType<typeof AdsClient>;
type Call = grpc.ClientDuplexStream<Buffer, Buffer>;

const clients: Client[] = [];
const calls: Call[] = [];

function node(id: string) {
  return { id, cluster: id, user_agent_name: 'envoy', user_agent_version: 'bench' };
}

/**
 * Proxies being connected at once (connection up, stream opened, first response not yet read): a
 * sliding window, so connecting is paced by how fast the server admits proxies, and a loaded
 * server is not handed more connects than its accept backlog holds.
 */
const IN_FLIGHT = 50;
/** One attempt: connection ready and first response read. */
const ATTEMPT_TIMEOUT_MS = 60_000;
const ATTEMPTS = 5;
/**
 * A generator's whole share is bounded too: a fixed part plus 200 ms per proxy (2,500 proxies:
 * 10 minutes; on a 2-core machine shared with other work, connecting 10,000 proxies took minutes).
 */
const FLEET_TIMEOUT_MS = (proxies: number) => 120_000 + 200 * proxies;

/** One proxy's connection and stream, resolved once the server answered its first request (false: the attempt failed). */
function attempt(address: string, protocol: 'sotw' | 'delta', plan: ProxyPlan): Promise<boolean> {
  // One connection per proxy, like a fleet of sidecars.
  const client = new AdsClient(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  return new Promise((resolve) => {
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (ok) clients.push(client);
      else client.close();
      resolve(ok);
    };
    const timer = setTimeout(() => settle(false), ATTEMPT_TIMEOUT_MS);
    client.waitForReady(Date.now() + ATTEMPT_TIMEOUT_MS, (error) => {
      if (error) return settle(false);
      const call = open(client, protocol, plan);
      call.once('data', () => settle(true));
      call.once('error', () => settle(false));
    });
  });
}

/** Connects one proxy, retrying a failed attempt with a new connection after a growing pause. */
async function connect(address: string, protocol: 'sotw' | 'delta', plan: ProxyPlan, deadline: number): Promise<boolean> {
  for (let i = 0; i < ATTEMPTS && Date.now() < deadline; i++) {
    if (await attempt(address, protocol, plan)) return true;
    await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** i));
  }
  return false;
}

/** Opens one proxy's stream on its connection and subscribes as an Envoy would. */
function open(client: Client, protocol: 'sotw' | 'delta', plan: ProxyPlan): Call {
  const method = protocol === 'sotw' ? 'StreamAggregatedResources' : 'DeltaAggregatedResources';
  const call = (client as unknown as Record<string, () => Call>)[method]();
  calls.push(call);
  call.on('error', () => undefined);
  const names: Record<string, string[]> = {
    [TYPE_URLS.cluster]: [],
    [TYPE_URLS.listener]: [],
    [TYPE_URLS.routeConfiguration]: plan.routes,
    [TYPE_URLS.clusterLoadAssignment]: plan.endpoints,
  };
  if (protocol === 'sotw') {
    call.on('data', (bytes: Buffer) => {
      const response = decodeDiscoveryResponse(bytes);
      call.write(
        encodeDiscoveryRequest({
          type_url: response.type_url,
          version_info: response.version_info,
          response_nonce: response.nonce,
          resource_names: names[response.type_url] ?? [],
        }),
      );
    });
    let first = true;
    for (const [typeUrl, resourceNames] of Object.entries(names)) {
      call.write(encodeDiscoveryRequest({ node: first ? node(plan.nodeId) : undefined, type_url: typeUrl, resource_names: resourceNames }));
      first = false;
    }
  } else {
    call.on('data', (bytes: Buffer) => {
      const response = decodeDeltaDiscoveryResponse(bytes);
      call.write(encodeDeltaDiscoveryRequest({ type_url: response.type_url, response_nonce: response.nonce }));
    });
    let first = true;
    for (const [typeUrl, resourceNames] of Object.entries(names)) {
      call.write(encodeDeltaDiscoveryRequest({ node: first ? node(plan.nodeId) : undefined, type_url: typeUrl, resource_names_subscribe: resourceNames }));
      first = false;
    }
  }
  return call;
}

/** Connects every proxy, IN_FLIGHT at a time; resolves with how many could not be connected in time. */
async function openAll(address: string, protocol: 'sotw' | 'delta', plans: ProxyPlan[]): Promise<number> {
  const deadline = Date.now() + FLEET_TIMEOUT_MS(plans.length);
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: Math.min(IN_FLIGHT, plans.length) }, async () => {
      while (next < plans.length) {
        const plan = plans[next++];
        if (!(await connect(address, protocol, plan, deadline))) failed++;
      }
    }),
  );
  return failed;
}

process.on('message', (command: GeneratorCommand) => {
  if (command.cmd === 'connect') {
    void openAll(command.address, command.protocol, command.proxies).then((failed) => process.send!({ event: 'opened', failed } satisfies GeneratorEvent));
  } else {
    for (const call of calls) call.end();
    for (const client of clients) client.close();
    process.send!({ event: 'closed' });
    setTimeout(() => process.exit(0), 50);
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ event: 'ready' });
