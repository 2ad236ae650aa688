// xDS server benchmark (issues 5, 18): load-generator processes (one per 2,500 proxies, at most
// four; bench/xds/generator-pool.ts) open N real ADS streams (state of the world, then delta) as N
// distinct Envoy proxies, each on its own connection, 1,000 and 10,000 by default. A
// one-route change that every proxy reaches is applied; we time translation + push until all N
// have ACKed the new route table, the server's CPU time, and resident memory per connected proxy
// (marginal: the growth from N/2 to N connected proxies, per proxy; total RSS printed beside it).
// The floor, measured in the same run: the same gRPC transport (reconciler/xds/grpc/), bare,
// holding the same N streams and writing the same response bytes to them, until all N ACK. Each measurement runs in a fresh
// process (bench/xds/measure.ts) so resident memory starts from the same baseline.
// Targets on a 2-core machine (issue 18): converge in < 2 s; < 30 KB resident per proxy.
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { below, Report } from './report';
import type { FloorMeasurement, Measurement, MeasureCommand, Protocol } from './xds/measure';

/** Proxy counts measured; MESHPLANE_BENCH_XDS_SIZES=10000 (comma-separated) runs only those. */
const SIZES = (process.env.MESHPLANE_BENCH_XDS_SIZES ?? '1000,10000').split(',').map(Number);
const CONVERGE_TARGET_MS = 2000;
const KB_PER_PROXY_TARGET = 30;

function measure<T>(command: MeasureCommand): Promise<T> {
  const child = fork(path.join(__dirname, 'xds', 'measure.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.on('message', (message: { ready?: boolean; result?: T; error?: string }) => {
      if (message.ready) child.send(command);
      else if (message.error) reject(new Error(message.error));
      else resolve(message.result as T);
    });
    child.once('exit', (code) => code !== 0 && reject(new Error(`bench/xds/measure exited with ${code}`)));
  });
}

export async function run(report: Report): Promise<void> {
  for (const n of SIZES) {
    for (const protocol of ['sotw', 'delta'] as Protocol[]) {
      const measured = await measure<Measurement>({ mode: 'server', n, protocol });
      const floor = await measure<FloorMeasurement>({ mode: 'floor', n, protocol, responses: measured.responses });
      report({
        measurement: `xds ${protocol} N=${n} one-route change to all ACKed`,
        value: measured.convergeMs,
        unit: 'ms',
        floor: floor.convergeMs,
        target: below(CONVERGE_TARGET_MS),
        details: { translate_ms: measured.translateMs, push_ms: measured.pushMs },
      });
      // One core busy for the whole convergence budget at most.
      report({
        measurement: `xds ${protocol} N=${n} server CPU for the change`,
        value: measured.cpuMs,
        unit: 'ms',
        floor: floor.cpuMs,
        target: below(CONVERGE_TARGET_MS),
        details: { cpu_ms_per_connect: measured.cpuMsPerConnect },
      });
      report({
        measurement: `xds ${protocol} N=${n} resident memory per proxy`,
        value: measured.kbPerProxy,
        unit: 'KB',
        floor: floor.kbPerProxy,
        target: below(KB_PER_PROXY_TARGET),
        details: {
          heap_kb: measured.heapKbPerProxy,
          external_kb: measured.externalKbPerProxy,
          floor_heap_kb: floor.heapKbPerProxy,
          rss_mb: measured.rssMb,
          floor_rss_mb: floor.rssMb,
        },
      });
    }
  }
}
