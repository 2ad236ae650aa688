// The demo's proxyless gRPC client, in its own process (grpc-js-xds reads its bootstrap once per
// process, from GRPC_XDS_BOOTSTRAP_CONFIG). It calls its xds:/// target without end, a bounded
// number of calls per second, and reports each call's outcome to the parent over IPC. It exits
// when the parent goes away.
import * as grpc from '@grpc/grpc-js';
import { register } from '@grpc/grpc-js-xds';
import { deserializeJson, ECHO_PATH, EchoReply, EchoRequest, serializeJson } from './echo-service';
import type { CallOutcome } from './traffic-window';

export interface TrafficClientSettings {
  target: string;
  callsPerSecond: number;
}

const REPORT_MS = 250;
const DEADLINE_MS = 2_000;

function callOnce(client: grpc.Client): Promise<CallOutcome> {
  return new Promise((resolve) => {
    client.makeUnaryRequest<EchoRequest, EchoReply>(ECHO_PATH, serializeJson, deserializeJson, {}, new grpc.Metadata(), { deadline: Date.now() + DEADLINE_MS }, (error, reply) =>
      resolve(error ? { failed: grpc.status[error.code] ?? String(error.code) } : { backend: reply!.backend }),
    );
  });
}

function run(settings: TrafficClientSettings): void {
  register();
  const client = new grpc.Client(settings.target, grpc.credentials.createInsecure());
  let batch: CallOutcome[] = [];
  const gap = 1000 / settings.callsPerSecond;
  // One call at a time, paced: a slow or failing mesh lowers the rate instead of piling calls up.
  const loop = async () => {
    for (;;) {
      const started = Date.now();
      batch.push(await callOnce(client));
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, gap - (Date.now() - started))));
    }
  };
  setInterval(() => {
    if (batch.length === 0 || !process.connected) return;
    process.send!(batch);
    batch = [];
  }, REPORT_MS);
  void loop();
}

if (require.main === module) {
  process.on('disconnect', () => process.exit(0));
  process.once('message', (settings: TrafficClientSettings) => run(settings));
  process.send!('ready');
}
