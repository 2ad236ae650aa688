// Envoy v3 protos as shipped with @grpc/grpc-js-xds, loaded once into one protobufjs root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { ENVOY_PROTO_DIRS } from '../../provider/envoy/proto-dirs';

let commonRegistered = false;
let sharedRoot: protobuf.Root | undefined;
const loadedFiles = new Set<string>();

function registerCommonProtos(): void {
  if (commonRegistered) return;
  commonRegistered = true;
  // protobufjs bundles the well-known types except descriptor.proto, which Envoy's options import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const descriptor = require('protobufjs/google/protobuf/descriptor.json');
  protobuf.common('descriptor', descriptor.nested.google.nested.protobuf.nested);
}

/** The shared root with `files` (paths relative to the include directories, e.g. `envoy/config/cluster/v3/cluster.proto`) loaded. */
export function envoyProtoRoot(files: readonly string[]): protobuf.Root {
  registerCommonProtos();
  if (!sharedRoot) {
    sharedRoot = new protobuf.Root();
    sharedRoot.resolvePath = (_origin, target) => {
      if (path.isAbsolute(target) && fs.existsSync(target)) return target;
      for (const dir of ENVOY_PROTO_DIRS) {
        const candidate = path.join(dir, target);
        if (fs.existsSync(candidate)) return candidate;
      }
      return target;
    };
  }
  const missing = files.filter((file) => !loadedFiles.has(file));
  if (missing.length > 0) {
    sharedRoot.loadSync(missing, { keepCase: true });
    sharedRoot.resolveAll();
    for (const file of missing) loadedFiles.add(file);
  }
  return sharedRoot;
}

/** A message type from the Envoy protos, loading `file` first. */
export function envoyType(file: string, name: string): protobuf.Type {
  return envoyProtoRoot([file]).lookupType(name);
}
