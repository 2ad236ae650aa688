// `meshplane bootstrap`: the Envoy bootstrap conforms to Envoy's v3 Bootstrap proto field by field,
// and the gRPC bootstrap passes @grpc/grpc-js-xds's own bootstrap validation.
import { strict as assert } from 'node:assert';
import * as protobuf from 'protobufjs';
import { parse } from 'yaml';
import { main } from '../../reconciler/cli/main';
import { envoyProtoRoot } from '../../reconciler/xds/envoy-protos';
import { captureTerminal } from '../helpers/capture-terminal';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { validateBootstrapConfig } = require('@grpc/grpc-js-xds/build/src/xds-bootstrap') as { validateBootstrapConfig(obj: unknown): { node: { id: string }; xdsServers: { server_uri?: string; serverUri?: string }[] } };

const BOOTSTRAP_PROTOS = [
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
];

/** Checks a proto3-JSON value (as Envoy reads YAML) against a message type; returns the problems. */
function conform(value: unknown, type: protobuf.Type, at: string, root: protobuf.Root): string[] {
  if (type.fullName === '.google.protobuf.Duration') return typeof value === 'string' && /^\d+(\.\d+)?s$/.test(value) ? [] : [`${at}: not a duration`];
  if (type.fullName === '.google.protobuf.Struct') return [];
  if (type.fullName === '.google.protobuf.Any') {
    const name = (value as Record<string, unknown>)['@type'];
    if (typeof name !== 'string') return [`${at}: Any without @type`];
    const { '@type': _ignored, ...rest } = value as Record<string, unknown>;
    return conform(rest, root.lookupType(name.replace(/^type\.googleapis\.com\//, '')), at, root);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: expected a ${type.name} object`];
  const problems: string[] = [];
  for (const [key, field] of Object.entries(value)) {
    const descriptor = type.fields[key];
    if (!descriptor) {
      problems.push(`${at}.${key}: no such field in ${type.fullName}`);
      continue;
    }
    descriptor.resolve();
    const values = descriptor.repeated ? (field as unknown[]) : descriptor.map ? Object.values(field as object) : [field];
    for (const item of values) {
      const where = `${at}.${key}`;
      if (descriptor.resolvedType instanceof protobuf.Type) problems.push(...conform(item, descriptor.resolvedType, where, root));
      else if (descriptor.resolvedType instanceof protobuf.Enum && !(String(item) in descriptor.resolvedType.values)) problems.push(`${where}: ${item} is not a ${descriptor.resolvedType.name}`);
    }
  }
  return problems;
}

async function run(args: string[]) {
  const terminal = captureTerminal();
  const code = await main(['node', 'meshplane', 'bootstrap', ...args], terminal);
  return { code, ...terminal };
}

describe('meshplane bootstrap', () => {
  it('writes an Envoy bootstrap that conforms to envoy.config.bootstrap.v3.Bootstrap, with ADS and admin on 9901', async () => {
    const arn = 'arn:aws:appmesh:us-west-2:111122223333:mesh/apps/virtualNode/serviceA';
    process.env.MESHPLANE_TEST_XDS_TOKEN = 'token-a';
    const { code, stdout } = await run(['--node', arn, '--xds', 'xds.internal:18000', '--token-env', 'MESHPLANE_TEST_XDS_TOKEN', '--tls-ca', '/etc/ca.pem', '--delta']);
    delete process.env.MESHPLANE_TEST_XDS_TOKEN;
    assert.equal(code, 0);
    const bootstrap = parse(stdout);
    const root = envoyProtoRoot(BOOTSTRAP_PROTOS);
    const type = root.lookupType('envoy.config.bootstrap.v3.Bootstrap');
    assert.deepEqual(conform(bootstrap, type, 'bootstrap', root), []);
    assert.deepEqual(conform({ node: { idd: 'x' }, admin: { address: { socket_address: { protocol: 'SCTP' } } } }, type, 'b', root), [
      'b.node.idd: no such field in .envoy.config.core.v3.Node',
      'b.admin.address.socket_address.protocol: SCTP is not a Protocol',
    ]);
    assert.equal(bootstrap.node.id, arn);
    assert.equal(bootstrap.node.cluster, arn);
    assert.equal(bootstrap.admin.address.socket_address.port_value, 9901);
    assert.equal(bootstrap.dynamic_resources.ads_config.api_type, 'DELTA_GRPC');
    assert.deepEqual(bootstrap.dynamic_resources.ads_config.grpc_services[0].initial_metadata, [{ key: 'authorization', value: 'Bearer token-a' }]);
    assert.deepEqual(bootstrap.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address, {
      address: 'xds.internal',
      port_value: 18000,
    });
  });

  it('writes a gRPC xDS bootstrap that @grpc/grpc-js-xds accepts', async () => {
    const { code, stdout } = await run(['--node', 'mesh/apps/virtualNode/serviceA', '--xds', '127.0.0.1:18000', '--format', 'grpc']);
    assert.equal(code, 0);
    const validated = validateBootstrapConfig(JSON.parse(stdout));
    assert.equal(validated.node.id, 'mesh/apps/virtualNode/serviceA');
    assert.equal(JSON.parse(stdout).xds_servers[0].server_uri, '127.0.0.1:18000');
  });

  it('lists several replicas: Envoy gets one endpoint per server, gRPC an address list it fails over between', async () => {
    const envoy = await run(['--node', 'mesh/apps/virtualNode/serviceA', '--xds', '10.0.0.1:15010,10.0.0.2:15010,10.0.0.3:15010']);
    assert.equal(envoy.code, 0);
    const endpoints = parse(envoy.stdout).static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints;
    assert.deepEqual(
      endpoints.map((e: { endpoint: { address: { socket_address: { address: string } } } }) => e.endpoint.address.socket_address.address),
      ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
    );
    const grpc = await run(['--node', 'mesh/apps/virtualNode/serviceA', '--xds', '127.0.0.1:15010,127.0.0.2:15011', '--format', 'grpc']);
    assert.equal(grpc.code, 0);
    assert.equal(validateBootstrapConfig(JSON.parse(grpc.stdout)).node.id, 'mesh/apps/virtualNode/serviceA');
    assert.equal(JSON.parse(grpc.stdout).xds_servers[0].server_uri, 'ipv4:127.0.0.1:15010,127.0.0.2:15011');
  });

  const refusals: { name: string; args: string[]; message: RegExp }[] = [
    { name: 'a node id that is not a proxy', args: ['--node', 'mesh/apps/virtualRouter/r', '--xds', 'h:1'], message: /--node: .*virtualRouter/ },
    { name: 'an xds address without a port', args: ['--node', 'mesh/apps/virtualNode/a', '--xds', 'xds.internal'], message: /--xds: "xds.internal" is not host:port/ },
    { name: 'several gRPC servers by name', args: ['--node', 'mesh/apps/virtualNode/a', '--xds', 'a.internal:1,b.internal:1', '--format', 'grpc'], message: /--xds: gRPC clients take several xDS servers only as IP addresses/ },
    { name: 'an unknown format', args: ['--node', 'mesh/apps/virtualNode/a', '--xds', 'h:1', '--format', 'istio'], message: /Allowed choices are envoy, grpc/ },
    { name: 'a token variable that is not set', args: ['--node', 'mesh/apps/virtualNode/a', '--xds', 'h:1', '--token-env', 'MESHPLANE_UNSET_VAR'], message: /MESHPLANE_UNSET_VAR: that environment variable is not set/ },
  ];
  for (const { name, args, message } of refusals) {
    it(`refuses ${name} with exit code 2 and the fix`, async () => {
      const { code, stderr } = await run(args);
      assert.equal(code, 2);
      assert.match(stderr, message);
    });
  }
});
