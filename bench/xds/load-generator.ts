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

type Client = InstanceType<typeof AdsClient>;
type Call = grpc.ClientDuplexStream<Buffer, Buffer>;

const clients: Client[] = [];
const calls: Call[] = [];

function node(id: string) {
  return { id, cluster: id, user_agent_name: 'envoy', user_agent_version: 'bench' };
}

/** Connections opened at once: more would overflow the server's accept backlog (SYNs dropped, connects retried for seconds). */
const BATCH = 200;
const CONNECT_TIMEOUT_MS = 60_000;

/** Connects one proxy; resolves once its connection is up (or could not be made). */
function connect(address: string): Promise<Client> {
  // One connection per proxy, like a fleet of sidecars.
  const client = new AdsClient(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  clients.push(client);
  return new Promise((resolve) =>
    client.waitForReady(Date.now() + CONNECT_TIMEOUT_MS, (error) => {
      if (error) failed++;
      resolve(client);
    }),
  );
}

/** Opens one proxy's stream on its connection and subscribes as an Envoy would. */
function open(client: Client, protocol: 'sotw' | 'delta', plan: ProxyPlan): void {
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
}

let failed = 0;

async function openAll(address: string, protocol: 'sotw' | 'delta', plans: ProxyPlan[]): Promise<void> {
  for (let i = 0; i < plans.length; i += BATCH) {
    const batch = plans.slice(i, i + BATCH);
    const connected = await Promise.all(batch.map(() => connect(address)));
    batch.forEach((plan, k) => open(connected[k], protocol, plan));
  }
}

process.on('message', (command: GeneratorCommand) => {
  if (command.cmd === 'connect') {
    void openAll(command.address, command.protocol, command.proxies).then(() => process.send!({ event: 'opened', streams: calls.length, failed }));
  } else {
    for (const call of calls) call.end();
    for (const client of clients) client.close();
    process.send!({ event: 'closed' });
    setTimeout(() => process.exit(0), 50);
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ event: 'ready' });
