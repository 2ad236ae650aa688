// Where Envoy's v3 protos are: they ship with @grpc/grpc-js-xds under deps/. Found through Node's
// module resolution, because npm hoists the dependency beside meshplane in an installed tree.
import * as path from 'node:path';

export const GRPC_JS_XDS_DEPS = path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');

/** Include directories of the Envoy/xds/udpa/googleapis/validate proto trees. */
export const ENVOY_PROTO_DIRS = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((dir) => path.join(GRPC_JS_XDS_DEPS, dir));
