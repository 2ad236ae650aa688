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

function open(address: string, protocol: 'sotw' | 'delta', plan: ProxyPlan): void {
  // One connection per proxy, like a fleet of sidecars.
  const client = new AdsClient(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  clients.push(client);
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

process.on('message', (command: GeneratorCommand) => {
  if (command.cmd === 'connect') {
    for (const plan of command.proxies) open(command.address, command.protocol, plan);
    process.send!({ event: 'opened', streams: calls.length });
  } else {
    for (const call of calls) call.end();
    for (const client of clients) client.close();
    process.send!({ event: 'closed' });
    setTimeout(() => process.exit(0), 50);
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ event: 'ready' });
