// Errors the Envoy translation raises. User input never reaches these (validation rejects it
// first); they signal a broken installation or a translation bug, and say how to proceed.

export class EnvoyProtoLoadError extends Error {
  constructor(directory: string, cause: unknown) {
    super(
      `cannot load the Envoy v3 protos from ${directory}: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'They ship with @grpc/grpc-js-xds (deps/envoy-api, deps/xds, deps/googleapis, deps/protoc-gen-validate); reinstall meshplane (`npm ci` in a checkout, `npm install meshplane` where it is installed).',
    );
    this.name = 'EnvoyProtoLoadError';
  }
}

export class EnvoyEncodeError extends Error {
  constructor(typeName: string, resourceName: string, problem: string) {
    super(
      `cannot encode ${typeName} ${JSON.stringify(resourceName)}: ${problem}. ` +
        'This is a translation bug, not a problem with your mesh; please report it with the mesh files that produced it.',
    );
    this.name = 'EnvoyEncodeError';
  }
}
