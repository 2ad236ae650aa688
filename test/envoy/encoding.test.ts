// Every resource produced from every environment and fixture is a real Envoy v3 message:
// it decodes back to what was built, satisfies the protoc-gen-validate rules Envoy enforces,
// references only resources in the same snapshot, and (proxyless flavour) passes the
// validation of @grpc/grpc-js-xds's own xDS client.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { decodeMessage, messageType, typeNameOf } from '../../provider/envoy/proto-codec';
import { ProxySnapshot, TYPE_URLS } from '../../provider/envoy/snapshot';
import { corpusModels, CorpusCase, translateCase } from './corpus';
import { checkMessage } from './pgv';

// The xDS client's resource validators (what a proxyless client NACKs).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const grpcXds = require('@grpc/grpc-js-xds');
const grpcTypes = {
  [TYPE_URLS.listener]: require('@grpc/grpc-js-xds/build/src/xds-resource-type/listener-resource-type').ListenerResourceType,
  [TYPE_URLS.routeConfiguration]: require('@grpc/grpc-js-xds/build/src/xds-resource-type/route-config-resource-type').RouteConfigurationResourceType,
  [TYPE_URLS.cluster]: require('@grpc/grpc-js-xds/build/src/xds-resource-type/cluster-resource-type').ClusterResourceType,
  [TYPE_URLS.clusterLoadAssignment]: require('@grpc/grpc-js-xds/build/src/xds-resource-type/endpoint-resource-type').EndpointResourceType,
} as Record<string, { get(): { decode(context: unknown, resource: { type_url: string; value: Buffer }): { error?: string } } }>;
const GRPC_CONTEXT = { server: { serverUri: 'localhost', channelCredentials: {}, serverFeatures: [] }, bootstrap: { certificateProviders: {} } };

type Json = Record<string, unknown>;

function findAll(value: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const v of value) findAll(v, key, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === key) out.push(v);
      findAll(v, key, out);
    }
  }
  return out;
}

function decodedOf(snapshot: ProxySnapshot, typeUrl: string): Json[] {
  return [...(snapshot.resources.get(typeUrl as never)?.values() ?? [])].map((r) => decodeMessage(r.typeUrl, r.bytes));
}

describe('envoy translation: encoding and validity', function () {
  this.timeout(60_000);
  let cases: CorpusCase[];
  before(async () => {
    grpcXds.register();
    cases = (await corpusModels()).map(translateCase);
  });

  it('translates every bundled environment and fixture walkthrough into non-empty snapshots', () => {
    assert.ok(cases.length >= 10);
    for (const c of cases) {
      assert.ok(c.snapshots.length > 0, `${c.name} has no proxies`);
      for (const { proxy, flavour, snapshot } of c.snapshots) {
        if (flavour === 'envoy') assert.ok(snapshot.resources.get(TYPE_URLS.listener)?.size, `${c.name} ${proxy.name}: no listener`);
      }
    }
  });

  it('decodes every resource back to the object it was built from, with a matching hash and name', () => {
    for (const c of cases) {
      for (const { proxy, snapshot } of c.snapshots) {
        for (const [typeUrl, named] of snapshot.resources) {
          for (const [name, resource] of named) {
            const where = `${c.name} ${proxy.name} ${typeNameOf(typeUrl)} ${name}`;
            assert.equal(resource.typeUrl, typeUrl, where);
            assert.equal(resource.hash, createHash('sha256').update(resource.bytes).digest('hex'), where);
            const decoded = decodeMessage(typeUrl, resource.bytes);
            assert.deepStrictEqual(decoded, c.translator.pool.sourceOf(resource), where);
            assert.equal(typeUrl === TYPE_URLS.clusterLoadAssignment ? decoded.cluster_name : decoded.name, name, where);
          }
        }
      }
    }
  });

  it('holds each resource in memory of its own size, not in a slice of a shared buffer pool slab', () => {
    // A served resource lives for as long as its content is unchanged: a slice of Node's 8 KiB
    // Buffer pool would keep the whole slab resident (the daemon's idle memory, docs/incremental-reconcile.md).
    for (const c of cases) {
      for (const { proxy, snapshot } of c.snapshots) {
        for (const [typeUrl, named] of snapshot.resources) {
          for (const [name, resource] of named) {
            assert.equal(resource.bytes.buffer.byteLength, resource.bytes.byteLength, `${c.name} ${proxy.name} ${typeNameOf(typeUrl)} ${name}`);
          }
        }
      }
    }
  });

  it('satisfies the protoc-gen-validate rules of the Envoy protos', () => {
    const problems: string[] = [];
    for (const c of cases) {
      for (const { proxy, flavour, snapshot } of c.snapshots) {
        for (const [typeUrl, named] of snapshot.resources) {
          for (const [name, resource] of named) {
            checkMessage(messageType(typeNameOf(typeUrl)), decodeMessage(typeUrl, resource.bytes), `${c.name}/${proxy.name}/${flavour}/${name}`, problems);
          }
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('references only route tables, clusters and endpoints that are in the same snapshot', () => {
    for (const c of cases) {
      for (const { proxy, flavour, snapshot } of c.snapshots) {
        const where = `${c.name} ${proxy.name} ${flavour}`;
        const listeners = decodedOf(snapshot, TYPE_URLS.listener);
        const routes = decodedOf(snapshot, TYPE_URLS.routeConfiguration);
        const clusters = decodedOf(snapshot, TYPE_URLS.cluster);
        const rdsNames = new Set(routes.map((r) => r.name));
        for (const name of findAll(listeners, 'route_config_name')) assert.ok(rdsNames.has(name as string), `${where}: RDS ${name} missing`);
        const clusterNames = new Set(clusters.map((r) => r.name));
        const referenced = [...findAll([...routes, ...listeners], 'cluster'), ...findAll(findAll([...routes, ...listeners], 'weighted_clusters'), 'name')];
        for (const name of referenced) assert.ok(clusterNames.has(name as string), `${where}: cluster ${name} missing`);
        const assignments = new Set(decodedOf(snapshot, TYPE_URLS.clusterLoadAssignment).map((a) => a.cluster_name));
        for (const cluster of clusters) if (cluster.type === 'EDS') assert.ok(assignments.has(cluster.name), `${where}: no endpoints for ${cluster.name}`);
      }
    }
  });

  it('passes the resource validation of the @grpc/grpc-js-xds client (proxyless flavour)', () => {
    const errors: string[] = [];
    for (const c of cases) {
      for (const { proxy, flavour, snapshot } of c.snapshots) {
        if (flavour !== 'grpc') continue;
        for (const [typeUrl, named] of snapshot.resources) {
          for (const resource of named.values()) {
            const result = grpcTypes[typeUrl].get().decode(GRPC_CONTEXT, { type_url: typeUrl, value: Buffer.from(resource.bytes) });
            if (result.error) errors.push(`${c.name} ${proxy.name} ${resource.name}: ${result.error}`);
          }
        }
      }
    }
    assert.deepEqual(errors, []);
  });
});

describe('envoy translation: the PGV checker itself', () => {
  it('reports an empty cluster name and a missing required oneof', () => {
    const problems = checkMessage(messageType('envoy.config.route.v3.RouteMatch'), {}, 'match');
    assert.ok(problems.some((p) => p.includes('one of prefix|path|safe_regex')), problems.join('\n'));
    const cluster = checkMessage(messageType('envoy.config.cluster.v3.Cluster'), {}, 'cluster');
    assert.ok(cluster.some((p) => p === 'cluster.name: shorter than 1'), cluster.join('\n'));
  });
});
