// A tiny unary gRPC service (the demo's backends and the end-to-end tests): JSON messages, no proto files. Backends
// answer with their name; they can fail (UNAVAILABLE) on a schedule or answer slowly.
import * as grpc from '@grpc/grpc-js';

export const ECHO_PATH = '/meshplane.test.Echo/Call';

export interface EchoRequest {
  delayMs?: number;
}

export interface EchoReply {
  backend: string;
}

export const serializeJson = (value: unknown): Buffer => Buffer.from(JSON.stringify(value ?? {}));
export const deserializeJson = <T>(bytes: Buffer): T => JSON.parse(bytes.toString() || '{}') as T;

export interface BackendBehaviour {
  /** Fail with UNAVAILABLE on every n-th call (2 = every other call: a 50% failure rate). */
  failEvery?: number;
  /** Fail every call with UNAVAILABLE. */
  alwaysFail?: boolean;
}

export interface Backend {
  name: string;
  port: number;
  calls: number;
  behaviour: BackendBehaviour;
  stop(): Promise<void>;
}

export async function startBackend(name: string, behaviour: BackendBehaviour = {}): Promise<Backend> {
  const server = new grpc.Server();
  const backend: Backend = { name, port: 0, calls: 0, behaviour, stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())) };
  server.addService(
    {
      Call: {
        path: ECHO_PATH,
        requestStream: false,
        responseStream: false,
        requestSerialize: serializeJson,
        requestDeserialize: deserializeJson,
        responseSerialize: serializeJson,
        responseDeserialize: deserializeJson,
      },
    },
    {
      Call: (call: grpc.ServerUnaryCall<EchoRequest, EchoReply>, callback: grpc.sendUnaryData<EchoReply>) => {
        backend.calls += 1;
        const { failEvery, alwaysFail } = backend.behaviour;
        if (alwaysFail || (failEvery && backend.calls % failEvery === 0)) {
          return callback({ code: grpc.status.UNAVAILABLE, details: `${name} is failing on purpose` });
        }
        const reply = () => callback(null, { backend: name });
        if (call.request.delayMs) setTimeout(reply, call.request.delayMs);
        else reply();
      },
    },
  );
  backend.port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
  );
  return backend;
}
