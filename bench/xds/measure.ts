// One measurement of bench/xds.ts in a fresh process (so resident memory starts clean): either the
// meshplane xDS server or the floor (the same gRPC transport, bare, writing the same bytes), with N proxies
// from the load generator. Reports its numbers to the parent over IPC and exits.
import * as net from 'node:net';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { ProxyIdentity, TYPE_URLS } from '../../provider/envoy/snapshot';
import { defaultEnvironment } from '../../provider/environment/environment-config';
import { ADS_METHOD_PATHS } from '../../reconciler/xds/ads-service';
import { encodeDeltaDiscoveryResponse, encodeDiscoveryResponse } from '../../reconciler/xds/discovery-messages';
import { TranslatedSnapshotSource } from '../../reconciler/xds/translated-source';
import { versionOf } from '../../reconciler/xds/versions';
import { xdsErrors } from '../../reconciler/xds/errors';
import { GrpcCall } from '../../reconciler/xds/grpc/grpc-call';
import { GrpcServer } from '../../reconciler/xds/grpc/grpc-server';
import { DEFAULT_KEEPALIVE } from '../../reconciler/xds/grpc/keepalive';
import { DEFAULT_MAX_MESSAGE_BYTES, XdsServer } from '../../reconciler/xds/xds-server';
import { until } from '../until';
import { benchModel, benchRegistry, MESH, withSharedWeights } from './bench-mesh';
import { GeneratorPool } from './generator-pool';
import { ProxyPlan } from './load-generator';

export type Protocol = 'sotw' | 'delta';
/** Waiting for thousands of proxies to connect: a status poll of 10,000 sessions is not free, so not too often. */
const SYNC_WAIT = { timeoutMs: 900_000, everyMs: 500 };

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Resident memory after a full collection, and what of it is V8's heap and off-heap buffers. */
function memory(): { rss: number; heap: number; external: number } {
  gc();
  gc();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heap: heapUsed, external };
}

/** Per-proxy growth between two memory readings, in KB. */
function perProxyKb(before: ReturnType<typeof memory>, after: ReturnType<typeof memory>, proxies: number) {
  const kb = (bytes: number) => bytes / proxies / 1024;
  return { rss: kb(after.rss - before.rss), heap: kb(after.heap - before.heap), external: kb(after.external - before.external) };
}

function bitCount(bits: number): number {
  let count = 0;
  for (let rest = bits; rest !== 0; rest &= rest - 1) count++;
  return count;
}

export interface Measurement {
  convergeMs: number;
  translateMs: number;
  /** Writing every proxy's responses (synchronous, after translation). */
  pushMs: number;
  cpuMs: number;
  /** Server CPU per proxy connected (admission, first responses, ACKs; the sync polls included), over the second half. */
  cpuMsPerConnect: number;
  /** Marginal resident memory per connected proxy (growth from N/2 to N proxies). */
  kbPerProxy: number;
  /** Of that, V8 heap and off-heap (Buffer) growth per proxy. */
  heapKbPerProxy: number;
  externalKbPerProxy: number;
  /** Resident memory of the whole process with N proxies connected. */
  rssMb: number;
  /** The RDS response each proxy was sent for the change, as written (base64, for the floor). */
  responses: string[];
}

async function measureServer(n: number, protocol: Protocol): Promise<Measurement> {
  const config = defaultEnvironment(MESH);
  config.quotas.virtualNodesPerMesh = n + 1000;
  const registry = benchRegistry(n);
  const source = new TranslatedSnapshotSource(registry);
  const model = benchModel(n);
  source.apply(model, config);
  // Subscribed before the server, so it runs first: the moment translation is done and pushing starts.
  let translated = 0n;
  source.subscribe(() => (translated = process.hrtime.bigint()));
  // The bench process holds nothing but this port: it may use most of its descriptors for proxies.
  const server = new XdsServer({ source, maxConnections: n + 100, openFilesShare: 0.9 });
  const address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
  const proxies: ProxyIdentity[] = Array.from({ length: n }, (_, i) => ({ kind: 'VirtualNode', meshName: MESH, name: `proxy-${i}` }));
  const plans: ProxyPlan[] = proxies.map((proxy) => {
    const snapshot = source.snapshot(proxy, 'envoy')!;
    return {
      nodeId: `mesh/${MESH}/virtualNode/${proxy.name}`,
      routes: [...(snapshot.resources.get(TYPE_URLS.routeConfiguration)?.keys() ?? [])],
      endpoints: [...(snapshot.resources.get(TYPE_URLS.clusterLoadAssignment)?.keys() ?? [])],
    };
  });
  const generator = await GeneratorPool.start(n);
  // Counted from the ACK events, so waiting costs the server little CPU: every status is built
  // once, when the count says all proxies ACKed every type.
  // One bit per type, not a set per proxy: the bench's own bookkeeping is counted in the memory per proxy.
  const typeBits = new Map(Object.values(TYPE_URLS).map((typeUrl, bit) => [typeUrl as string, 1 << bit]));
  const ackedTypes = new Map<string, number>();
  server.on('ack', (session, typeUrl) => {
    ackedTypes.set(session.key, (ackedTypes.get(session.key) ?? 0) | typeBits.get(typeUrl)!);
  });
  let ready = 0;
  const synced = (count: number) => () => {
    if (ready < count) {
      ready = 0;
      for (const types of ackedTypes.values()) if (bitCount(types) >= 4) ready++;
      if (ready < count) return false;
    }
    const statuses = server.proxies();
    return statuses.length === count && statuses.every((p) => Object.keys(p.types).length >= 4 && Object.values(p.types).every((t) => t.state === 'synced'));
  };
  // Half the proxies first: the marginal memory of the second half is what a proxy costs, without
  // one-off costs (lazily loaded code, V8's young generation growing to its working size).
  const WARM_UP = n / 2;
  await generator.connect(address, protocol, plans.slice(0, WARM_UP));
  await until(`${WARM_UP} ${protocol} proxies to sync`, generator.whileRunning(synced(WARM_UP)), SYNC_WAIT);
  const before = memory();
  const connectCpu = process.cpuUsage();
  await generator.connect(address, protocol, plans.slice(WARM_UP));
  await until(`${n} ${protocol} proxies to sync`, generator.whileRunning(synced(n)), SYNC_WAIT);
  const connectUsed = process.cpuUsage(connectCpu);
  const after = memory();
  const perProxy = perProxyKb(before, after, n - WARM_UP);

  // The change: shared's weights 50/50 → 60/40. Every proxy reaches shared, so all N get new routes.
  // The model is built as the daemon builds it for a commit that edits the route's file (see withSharedWeights).
  const previous = new Map(server.proxies().map((p) => [p.identity, p.types.routeConfiguration.acked?.version]));
  const acked = new Set<string>();
  server.on('ack', (session, typeUrl, version) => {
    if (typeUrl === TYPE_URLS.routeConfiguration && version !== previous.get(session.key)) acked.add(session.key);
  });
  const changed = withSharedWeights(model, [60, 40]);
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  source.apply(changed, config);
  const translateMs = Number(translated - started) / 1e6;
  const pushMs = Number(process.hrtime.bigint() - translated) / 1e6;
  await until(`${n} ${protocol} proxies to ACK the new routes`, generator.whileRunning(() => acked.size === n), { timeoutMs: 900_000, everyMs: 2 }).catch((error: Error) => {
    throw new Error(`${error.message} (${acked.size} of ${n} ACKed)`);
  });
  const convergeMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);

  const responses = proxies.map((proxy): string => {
    const routes = [...source.snapshot(proxy, 'envoy')!.resources.get(TYPE_URLS.routeConfiguration)!.values()];
    const version = versionOf(routes);
    return protocol === 'sotw'
      ? encodeDiscoveryResponse(version, TYPE_URLS.routeConfiguration, 'f', routes).toString('base64')
      : encodeDeltaDiscoveryResponse(version, TYPE_URLS.routeConfiguration, 'f', routes, []).toString('base64');
  });
  await generator.stop();
  await server.stop(1000);
  source.close();
  const cpuMsPerConnect = (connectUsed.user + connectUsed.system) / 1000 / (n - WARM_UP);
  return { convergeMs, translateMs, pushMs, cpuMs: (used.user + used.system) / 1000, cpuMsPerConnect, kbPerProxy: perProxy.rss, heapKbPerProxy: perProxy.heap, externalKbPerProxy: perProxy.external, rssMb: after.rss / 2 ** 20, responses };
}

/**
 * The floor: a bare ADS server that only holds the streams and writes the given bytes to them. It
 * answers each stream's first request with those bytes as well, as any server answers a proxy's
 * subscription (the load generator counts a proxy connected once its first response arrives).
 */
export interface FloorMeasurement {
  convergeMs: number;
  cpuMs: number;
  kbPerProxy: number;
  heapKbPerProxy: number;
  externalKbPerProxy: number;
  rssMb: number;
}

async function measureFloor(n: number, protocol: Protocol, encoded: string[]): Promise<FloorMeasurement> {
  const responses = encoded.map((r) => Buffer.from(r, 'base64'));
  const streams: { call: GrpcCall; requests: number; acked: boolean }[] = [];
  let triggered = false;
  let acks = 0;
  const handler = (call: GrpcCall) => {
    const stream = { call, requests: 0, acked: false };
    const response = responses[streams.length % responses.length];
    streams.push(stream);
    call.listen({
      message: () => {
        stream.requests += 1;
        if (stream.requests === 1) call.write(response);
        if (triggered && !stream.acked) {
          stream.acked = true;
          acks += 1;
        }
      },
      halfClosed: () => call.end(),
      gone: () => undefined,
    });
  };
  // The transport meshplane's server runs on, with its default keepalive.
  const server = new GrpcServer({ maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, keepalive: DEFAULT_KEEPALIVE, unknownMethod: xdsErrors.unknownMethod });
  server.handle(ADS_METHOD_PATHS.sotw, handler);
  server.handle(ADS_METHOD_PATHS.delta, handler);
  const listener = net.createServer((socket) => server.inject(socket));
  const port = await new Promise<number>((resolve) => listener.listen(0, '127.0.0.1', () => resolve((listener.address() as net.AddressInfo).port)));
  const plans: ProxyPlan[] = Array.from({ length: n }, (_, i) => ({ nodeId: `mesh/${MESH}/virtualNode/proxy-${i}`, routes: ['r'], endpoints: ['e'] }));
  const generator = await GeneratorPool.start(n);
  const WARM_UP = n / 2;
  // Four subscriptions and the ACK of the first response.
  const opened = (count: number) => () => streams.length === count && streams.every((s) => s.requests >= 5);
  await generator.connect(`127.0.0.1:${port}`, protocol, plans.slice(0, WARM_UP));
  await until(`${WARM_UP} floor streams`, generator.whileRunning(opened(WARM_UP)), SYNC_WAIT);
  const before = memory();
  await generator.connect(`127.0.0.1:${port}`, protocol, plans.slice(WARM_UP));
  await until(`${n} floor streams`, generator.whileRunning(opened(n)), SYNC_WAIT);
  const after = memory();
  const perProxy = perProxyKb(before, after, n - WARM_UP);
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  triggered = true;
  streams.forEach((stream, i) => stream.call.write(responses[i % responses.length]));
  await until(`${n} floor ACKs`, generator.whileRunning(() => acks === n), { everyMs: 2 });
  const convergeMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  await generator.stop();
  server.forceShutdown();
  listener.close();
  return { convergeMs, cpuMs: (used.user + used.system) / 1000, kbPerProxy: perProxy.rss, heapKbPerProxy: perProxy.heap, externalKbPerProxy: perProxy.external, rssMb: after.rss / 2 ** 20 };
}

export type MeasureCommand = { mode: 'server'; n: number; protocol: Protocol } | { mode: 'floor'; n: number; protocol: Protocol; responses: string[] };

process.on('message', (command: MeasureCommand) => {
  const measured = command.mode === 'server' ? measureServer(command.n, command.protocol) : measureFloor(command.n, command.protocol, command.responses);
  measured.then(
    (result) => process.send!({ result }, () => process.exit(0)),
    (error: Error) => process.send!({ error: error.stack ?? error.message }, () => process.exit(1)),
  );
});
process.send!({ ready: true });
