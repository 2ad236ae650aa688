import * as assert from 'node:assert/strict';
import { Kind } from '../../provider/model/kinds';
import { schemaRuleCode } from '../../provider/validate/schema-rule-codes';

// One row per section of resource-model.md the schema can break: the most specific rule wins.
const CASES: Array<{ name: string; input: [Kind, string, string]; expected: string }> = [
  { name: 'identity name', input: ['Route', 'routeName', 'maxLength'], expected: 'ID-1' },
  { name: 'tag key', input: ['Mesh', 'tags[].key', 'maxLength'], expected: 'TAG-1' },
  { name: 'spec missing', input: ['VirtualNode', 'spec', 'required'], expected: 'WR-2' },
  { name: 'mesh ip preference', input: ['Mesh', 'spec.serviceDiscovery.ipPreference', 'enum'], expected: 'MESH-2' },
  { name: 'provider name length', input: ['VirtualService', 'spec.provider.virtualNode.virtualNodeName', 'minLength'], expected: 'ID-1' },
  { name: 'provider member missing', input: ['VirtualService', 'spec.provider.virtualNode.virtualNodeName', 'required'], expected: 'VS-1' },
  { name: 'node timeout union', input: ['VirtualNode', 'spec.listeners[].timeout', 'maxProperties'], expected: 'TO-1' },
  { name: 'node outlier detection', input: ['VirtualNode', 'spec.listeners[].outlierDetection.interval', 'required'], expected: 'OD-1' },
  { name: 'client certificate acm', input: ['VirtualNode', 'spec.backends[].virtualService.clientPolicy.tls.certificate.acm', 'additionalProperties'], expected: 'VN-CP-2' },
  { name: 'client policy ports', input: ['VirtualNode', 'spec.backendDefaults.clientPolicy.tls.ports[]', 'maximum'], expected: 'VN-CP-4' },
  { name: 'access log format', input: ['VirtualGateway', 'spec.logging.accessLog.file.format', 'minProperties'], expected: 'LOG-1' },
  { name: 'gateway listeners missing', input: ['VirtualGateway', 'spec.listeners', 'required'], expected: 'VG-1' },
  { name: 'gateway health-check protocol', input: ['VirtualGateway', 'spec.listeners[].healthCheck.protocol', 'enum'], expected: 'VG-3' },
  { name: 'router listener port', input: ['VirtualRouter', 'spec.listeners[].portMapping.port', 'maximum'], expected: 'VR-2' },
  { name: 'router listener protocol', input: ['VirtualRouter', 'spec.listeners[].portMapping.protocol', 'enum'], expected: 'VR-1' },
  { name: 'route header method union', input: ['Route', 'spec.grpcRoute.match.metadata[].match', 'maxProperties'], expected: 'MM-1' },
  { name: 'route header list', input: ['Route', 'spec.httpRoute.match.headers', 'maxItems'], expected: 'RT-M-4' },
  { name: 'route gRPC method name', input: ['Route', 'spec.grpcRoute.match.methodName', 'maxLength'], expected: 'RT-M-5' },
  { name: 'route match port', input: ['Route', 'spec.tcpRoute.match.port', 'minimum'], expected: 'RT-P-1' },
  { name: 'route unknown type', input: ['Route', 'spec.tlsRoute', 'additionalProperties'], expected: 'RT-1' },
  { name: 'gateway route unknown type', input: ['GatewayRoute', 'spec.tcpRoute', 'additionalProperties'], expected: 'GR-1' },
  { name: 'gateway route path', input: ['GatewayRoute', 'spec.http2Route.match.path.exact', 'maxLength'], expected: 'PM-1' },
  { name: 'gateway route query parameters', input: ['GatewayRoute', 'spec.httpRoute.match.queryParameters', 'minItems'], expected: 'GR-6' },
  { name: 'gateway route prefix rewrite', input: ['GatewayRoute', 'spec.httpRoute.action.rewrite.prefix.defaultPrefix', 'enum'], expected: 'GR-8' },
  { name: 'gateway route rewrite', input: ['GatewayRoute', 'spec.httpRoute.action.rewrite.hostname.defaultTargetHostname', 'enum'], expected: 'GR-7' },
  { name: 'gateway route target port', input: ['GatewayRoute', 'spec.grpcRoute.action.target.port', 'maximum'], expected: 'GR-12' },
  { name: 'no rule for meshOwner', input: ['VirtualNode', 'meshOwner', 'minLength'], expected: 'SCHEMA' },
];

describe('schema rule codes', () => {
  for (const { name, input, expected } of CASES) {
    it(name, () => assert.equal(schemaRuleCode(...input), expected));
  }
});
