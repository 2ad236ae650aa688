// A proxyless gRPC client in its own process (grpc-js-xds reads its bootstrap once per process).
// The parent sends commands over IPC; the channel lives for the whole process, so a config change
// pushed by the server is seen by the same channel and xDS stream.
import * as grpc from '@grpc/grpc-js';
import { register } from '@grpc/grpc-js-xds';
import { deserializeJson, ECHO_PATH, EchoReply, EchoRequest, serializeJson } from '../../../reconciler/demo/echo-service';

export interface CallCommand {
  id: number;
  cmd: 'call';
  target: string;
  count: number;
  concurrency?: number;
  metadata?: Record<string, string>;
  request?: EchoRequest;
  /** Client-side deadline per call (ms). */
  deadlineMs?: number;
}

export interface CallResult {
  ok: Record<string, number>;
  failed: Record<string, number>;
  errors: string[];
  /** Duration of each failed call (ms), in completion order. */
  failedDurations: number[];
  /** The backend of each successful call, in completion order. */
  sequence: string[];
}

register();
const channels = new Map<string, grpc.Client>();

function clientFor(target: string): grpc.Client {
  let client = channels.get(target);
  if (!client) channels.set(target, (client = new grpc.Client(target, grpc.credentials.createInsecure())));
  return client;
}

function callOnce(client: grpc.Client, command: CallCommand): Promise<{ backend?: string; code?: number; message?: string; ms: number }> {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(command.metadata ?? {})) metadata.set(key, value);
  const started = Date.now();
  return new Promise((resolve) => {
    client.makeUnaryRequest<EchoRequest, EchoReply>(
      ECHO_PATH,
      serializeJson,
      deserializeJson,
      command.request ?? {},
      metadata,
      { deadline: Date.now() + (command.deadlineMs ?? 10_000) },
      (error, reply) => resolve(error ? { code: error.code, message: error.details, ms: Date.now() - started } : { backend: reply!.backend, ms: Date.now() - started }),
    );
  });
}

async function run(command: CallCommand): Promise<CallResult> {
  const client = clientFor(command.target);
  const result: CallResult = { ok: {}, failed: {}, errors: [], failedDurations: [], sequence: [] };
  let next = 0;
  const worker = async () => {
    while (next < command.count) {
      next += 1;
      const outcome = await callOnce(client, command);
      if (outcome.backend) {
        result.ok[outcome.backend] = (result.ok[outcome.backend] ?? 0) + 1;
        result.sequence.push(outcome.backend);
      } else {
        const code = grpc.status[outcome.code!] ?? String(outcome.code);
        result.failed[code] = (result.failed[code] ?? 0) + 1;
        result.failedDurations.push(outcome.ms);
        if (result.errors.length < 5) result.errors.push(`${code}: ${outcome.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: command.concurrency ?? 1 }, worker));
  return result;
}

process.on('message', (command: CallCommand) => {
  void run(command).then((result) => process.send!({ id: command.id, result }));
});
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
