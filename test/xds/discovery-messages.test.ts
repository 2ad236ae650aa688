// The discovery responses are written by hand from pre-encoded resources (reconciler/xds/wire-writer.ts):
// whatever the versions, names, nonces and resource sizes (multi-byte varint lengths, non-ASCII
// text, empty strings), Envoy's own DiscoveryResponse / DeltaDiscoveryResponse protos decode
// exactly what was given, field for field.
import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { EncodedResource, TYPE_URLS } from '../../provider/envoy/snapshot';
import {
  decodeDeltaDiscoveryResponse,
  decodeDiscoveryResponse,
  encodeDeltaDiscoveryResponse,
  encodeDiscoveryResponse,
} from '../../reconciler/xds/discovery-messages';

const typeUrl = fc.constantFrom(...Object.values(TYPE_URLS));
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
// Lengths around the one-, two- and three-byte varint boundaries.
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.integer({ min: 16_370, max: 16_400 }).map((n) => new Uint8Array(n).fill(7)),
);
const resource = (type: fc.Arbitrary<EncodedResource['typeUrl']>) =>
  fc.record({ name: text, typeUrl: type, bytes, hash: fc.string({ maxLength: 64 }) }) as fc.Arbitrary<EncodedResource>;

const asBytes = (value: Uint8Array) => Buffer.from(value.buffer, value.byteOffset, value.byteLength);

describe('xds: discovery response encoding', () => {
  it('a state-of-the-world response decodes to its version, resources, type and nonce', () => {
    fc.assert(
      fc.property(text, typeUrl, text, fc.array(resource(typeUrl), { maxLength: 6 }), (version, type, nonce, resources) => {
        const decoded = decodeDiscoveryResponse(encodeDiscoveryResponse(version, type, nonce, resources));
        assert.equal(decoded.version_info, version);
        assert.equal(decoded.type_url, type);
        assert.equal(decoded.nonce, nonce);
        assert.deepEqual(
          decoded.resources.map((r) => [r.type_url, asBytes(r.value)]),
          resources.map((r) => [r.typeUrl, Buffer.from(r.bytes)]),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('a delta response decodes to its version, resources with their versions and names, removals and nonce', () => {
    fc.assert(
      fc.property(text, typeUrl, text, fc.array(resource(typeUrl), { maxLength: 6 }), fc.array(text, { maxLength: 4 }), (version, type, nonce, resources, removed) => {
        const decoded = decodeDeltaDiscoveryResponse(encodeDeltaDiscoveryResponse(version, type, nonce, resources, removed));
        assert.equal(decoded.system_version_info, version);
        assert.equal(decoded.type_url, type);
        assert.equal(decoded.nonce, nonce);
        assert.deepEqual(decoded.removed_resources, removed);
        assert.deepEqual(
          decoded.resources.map((r) => [r.name, r.version, r.resource?.type_url, r.resource && asBytes(r.resource.value)]),
          resources.map((r) => [r.name, r.hash, r.typeUrl, Buffer.from(r.bytes)]),
        );
      }),
      { numRuns: 200 },
    );
  });
});
