// xDS conformance with foreign clients: ONE table of scenarios, each run with grpc-js-xds (the
// version pinned here) and with gRPC C-core 1.51 (Debian's python3-grpcio), against one
// `meshplane serve` following a git repository. A client's known bug is a row entry with its
// reason: the row still runs and must keep failing in that known way (or is skipped, saying why).
import { strict as assert } from 'node:assert';
import { CallCommand, CallResult } from '../e2e/xds-client-child';
import { sharePercent, XdsClientProcess } from '../e2e/mesh-harness';
import { grpcBootstrap } from '../../../reconciler/xds/bootstrap';
import { CCoreClientProcess, cCoreAvailability, requireCCore } from './c-core-client';
import { ConformanceMesh, MATCHERS, NODES, nodes, ROUTING, routing, RouteKnobs, SETTINGS, settings, TARGET } from './conformance-mesh';

const NODE_ID = 'mesh/apps/virtualNode/serviceA';

type ClientKind = 'grpc-js-xds' | 'c-core';

interface Client {
  call(command: Omit<CallCommand, 'id' | 'cmd'>, timeoutMs?: number): Promise<CallResult>;
  stop(): void;
}

interface Context {
  mesh: ConformanceMesh;
  kind: ClientKind;
  /** The long-lived client of this kind (one channel, one xDS stream for the whole table). */
  client: Client;
  /** A new client of this kind, stopped after the row. */
  fresh(): Promise<Client>;
}

interface KnownBug {
  reason: string;
  /** The row's failure that the bug causes; the row fails if it stops failing this way. */
  fails?: RegExp;
}

interface Row {
  name: string;
  run(ctx: Context): Promise<void>;
  known?: Partial<Record<ClientKind, KnownBug>>;
}

const routes = (mesh: ConformanceMesh, message: string, knobs: RouteKnobs) => mesh.apply(message, { [ROUTING]: routing(knobs) });

function noFailures(result: CallResult): void {
  assert.deepEqual(result.failed, {}, result.errors.join('\n'));
}

/** Asserts a split over `count` calls within ±5 percentage points, and reports what was measured. */
/** ± 5 points over 1,000 calls is 3.6 standard deviations of a 75/25 split: a false failure about once in 4,000 checks. */
async function split(ctx: Context, client: Client, expected: { serviceB: number; serviceBv2: number }): Promise<void> {
  const count = 1000;
  // An ACK says the client has the route, not that every channel switched to it: wait until both backends answer.
  await waitFor(async () => {
    const ok = (await client.call({ target: TARGET, count: 20, concurrency: 4 })).ok;
    return ok.serviceB > 0 && ok.serviceBv2 > 0;
  }, 'the split route to take effect');
  const result = await client.call({ target: TARGET, count, concurrency: 20 }, 60_000);
  noFailures(result);
  const measured = { serviceB: sharePercent(result, 'serviceB'), serviceBv2: sharePercent(result, 'serviceBv2') };
  process.stderr.write(`    conformance ${ctx.kind}: ${expected.serviceB}/${expected.serviceBv2} over ${count} calls -> serviceB ${measured.serviceB.toFixed(1)}%, serviceBv2 ${measured.serviceBv2.toFixed(1)}%\n`);
  for (const name of ['serviceB', 'serviceBv2'] as const) {
    assert.ok(Math.abs(measured[name] - expected[name]) <= 5, `${name} got ${measured[name]}% of ${count} calls, expected ${expected[name]}% ± 5`);
  }
}

/** Metadata → the backend that must answer, for each match kind (MATCHERS). */
const MATCH_CASES: Array<{ kind: string; metadata: Record<string, string>; backend: 'serviceB' | 'serviceBv2' }> = [
  { kind: 'exact', metadata: { 'x-value': 'yes' }, backend: 'serviceBv2' },
  { kind: 'exact', metadata: { 'x-value': 'yes!' }, backend: 'serviceB' },
  { kind: 'prefix', metadata: { 'x-value': 'pre-1' }, backend: 'serviceBv2' },
  { kind: 'prefix', metadata: { 'x-value': 'pro-1' }, backend: 'serviceB' },
  { kind: 'suffix', metadata: { 'x-value': 'a-fix' }, backend: 'serviceBv2' },
  { kind: 'suffix', metadata: { 'x-value': 'a-fax' }, backend: 'serviceB' },
  { kind: 'regex', metadata: { 'x-value': 'v42' }, backend: 'serviceBv2' },
  { kind: 'regex', metadata: { 'x-value': 'v42x' }, backend: 'serviceB' },
  { kind: 'range', metadata: { 'x-value': '9' }, backend: 'serviceBv2' },
  { kind: 'range', metadata: { 'x-value': '10' }, backend: 'serviceB' },
  { kind: 'present', metadata: { 'x-value': 'anything' }, backend: 'serviceBv2' },
  { kind: 'present', metadata: {}, backend: 'serviceB' },
  { kind: 'absent', metadata: {}, backend: 'serviceBv2' },
  { kind: 'absent', metadata: { 'x-value': 'anything' }, backend: 'serviceB' },
  { kind: 'invert', metadata: { 'x-value': 'other' }, backend: 'serviceBv2' },
  { kind: 'invert', metadata: { 'x-value': 'no' }, backend: 'serviceB' },
];

const TABLE: Row[] = [
  {
    name: 'splits 75/25 within ±5 points over 1,000 calls',
    run: async (ctx) => {
      await routes(ctx.mesh, 'canary 75/25', { weights: [75, 25] });
      await split(ctx, ctx.client, { serviceB: 75, serviceBv2: 25 });
    },
  },
  {
    name: 'shifts to 0/100 on a commit pushed while calls are in flight, without a failed call',
    run: async (ctx) => {
      await routes(ctx.mesh, 'canary 75/25', { weights: [75, 25] });
      const during = ctx.client.call({ target: TARGET, count: 400, concurrency: 4 }, 60_000);
      const started = Date.now();
      await routes(ctx.mesh, 'canary 0/100', { weights: [0, 100] });
      // Seen with C-core 1.51 connected: this sync (a cluster leaves the route) can take over 15 s.
      process.stderr.write(`    conformance ${ctx.kind}: the 0/100 commit was synced after ${Date.now() - started} ms\n`);
      const shifting = await during;
      noFailures(shifting);
      // Seen with C-core 1.51: the route is ACKed before its calls follow it (73/27 right after the ACK).
      const acked = Date.now();
      await waitFor(async () => JSON.stringify((await ctx.client.call({ target: TARGET, count: 20, concurrency: 4 })).ok) === JSON.stringify({ serviceBv2: 20 }), 'calls to follow the ACKed route');
      process.stderr.write(`    conformance ${ctx.kind}: calls followed the ACKed 0/100 route within ${Date.now() - acked} ms\n`);
      const after = await ctx.client.call({ target: TARGET, count: 100, concurrency: 10 });
      assert.deepEqual(after.ok, { serviceBv2: 100 }, after.errors.join('\n'));
    },
  },
  {
    name: 'splits relative weights 3/1 as 75/25, also for a client that starts while that route is live',
    run: async (ctx) => {
      await routes(ctx.mesh, 'canary 3/1', { weights: [3, 1] });
      await split(ctx, ctx.client, { serviceB: 75, serviceBv2: 25 });
      // Before total_weight was written, C-core NACKed this route: a new client failed every call.
      await split(ctx, await ctx.fresh(), { serviceB: 75, serviceBv2: 25 });
    },
  },
  {
    name: 'routes by metadata matches of every kind (exact, prefix, suffix, regex, range, present, absent, invert)',
    run: async (ctx) => {
      await routes(ctx.mesh, 'a route per match kind', { weights: [100, 0], matches: true });
      const wrong: string[] = [];
      for (const c of MATCH_CASES) {
        const result = await ctx.client.call({ target: TARGET, count: 3, metadata: { 'x-case': c.kind, ...c.metadata } });
        const got = JSON.stringify(result.ok) + (result.errors.length ? ` ${result.errors[0]}` : '');
        if (got !== JSON.stringify({ [c.backend]: 3 })) wrong.push(`${c.kind} ${JSON.stringify(c.metadata)}: expected ${c.backend}, got ${got}`);
      }
      assert.deepEqual(wrong, []);
      assert.equal(Object.keys(MATCHERS).length, new Set(MATCH_CASES.map((c) => c.kind)).size);
    },
  },
  {
    name: 'retries UNAVAILABLE under the route retry policy: no failed call against a backend failing every other call',
    run: async (ctx) => {
      await routes(ctx.mesh, 'retries on serviceB', { weights: [100, 0], retries: true });
      const flaky = ctx.mesh.backends.serviceB;
      flaky.behaviour.failEvery = 2;
      try {
        const before = flaky.calls;
        const result = await ctx.client.call({ target: TARGET, count: 100 });
        noFailures(result);
        const attempts = flaky.calls - before;
        assert.ok(attempts >= 180 && attempts <= 201, `serviceB saw ${attempts} attempts for 100 calls`);
      } finally {
        flaky.behaviour.failEvery = undefined;
      }
    },
  },
  {
    name: 'applies App Mesh\'s default retry policy to a route without one, and none when defaultRetryPolicy is false',
    run: async (ctx) => {
      await routes(ctx.mesh, 'no route retry policy', { weights: [100, 0] });
      const flaky = ctx.mesh.backends.serviceB;
      flaky.behaviour.failEvery = 2;
      try {
        noFailures(await ctx.client.call({ target: TARGET, count: 100 }));
        await ctx.mesh.apply('defaultRetryPolicy: false', { [SETTINGS]: settings(ctx.mesh.backends, false) });
        const result = await ctx.client.call({ target: TARGET, count: 100 });
        const failed = result.failed.UNAVAILABLE ?? 0;
        assert.ok(failed >= 40 && failed <= 60, `expected about 50 of 100 calls to fail without retries, ${failed} did`);
      } finally {
        flaky.behaviour.failEvery = undefined;
        await ctx.mesh.apply('defaultRetryPolicy: true', { [SETTINGS]: settings(ctx.mesh.backends, true) });
      }
    },
  },
  {
    name: 'fires the per-request timeout at the configured duration (1.5 s)',
    known: {
      'c-core': {
        reason: 'C-core 1.51 bug: per-route timeouts (max_stream_duration) fire early',
        fails: /timed out after \d+ ms, configured 1500 ms/,
      },
    },
    run: async (ctx) => {
      await routes(ctx.mesh, 'per-request timeout 1.5 s', { weights: [100, 0], perRequestMs: 1500 });
      const fast = await ctx.client.call({ target: TARGET, count: 2, request: { delayMs: 700 } });
      const slow = await ctx.client.call({ target: TARGET, count: 2, request: { delayMs: 4000 } });
      for (const ms of slow.failedDurations) assert.ok(ms >= 1400 && ms < 3000, `timed out after ${ms} ms, configured 1500 ms`);
      assert.deepEqual(slow.failed, { DEADLINE_EXCEEDED: 2 }, JSON.stringify(slow));
      assert.deepEqual(fast.ok, { serviceB: 2 }, `a 700 ms call under a 1500 ms timeout: ${JSON.stringify(fast)}`);
    },
  },
  {
    name: 'follows the registry (EDS): an instance registered over the API takes traffic, and none once deregistered',
    run: async (ctx) => {
      await routes(ctx.mesh, 'all to serviceBv2', { weights: [0, 100] });
      const second = await ctx.mesh.register('serviceBv2-second', 'servicebv2', `b2-${ctx.kind}`);
      try {
        await waitFor(async () => ((await ctx.client.call({ target: TARGET, count: 20, concurrency: 4 })).ok['serviceBv2-second'] ?? 0) > 0, 'the registered instance to take calls');
        const spread = await ctx.client.call({ target: TARGET, count: 200, concurrency: 4 });
        noFailures(spread);
        assert.ok((spread.ok['serviceBv2-second'] ?? 0) > 50 && (spread.ok.serviceBv2 ?? 0) > 50, JSON.stringify(spread.ok));
      } finally {
        await second.deregister();
      }
      await waitFor(async () => JSON.stringify((await ctx.client.call({ target: TARGET, count: 20, concurrency: 4 })).ok) === JSON.stringify({ serviceBv2: 20 }), 'the deregistered instance to get no calls');
    },
  },
  {
    name: 'ejects an endpoint failing every call (outlier detection on the server listener)',
    run: async (ctx) => {
      await ctx.mesh.apply('outlier detection on serviceB', { [NODES]: nodes(true), [ROUTING]: routing({ weights: [100, 0] }) });
      const broken = await ctx.mesh.register('serviceB-broken', 'serviceb', `broken-${ctx.kind}`, { alwaysFail: true });
      try {
        // The default retry policy hides most of its failures from the caller: watch the endpoint itself.
        await waitFor(async () => (await ctx.client.call({ target: TARGET, count: 20, concurrency: 2 })) && broken.backend.calls > 0, 'the broken endpoint to be called');
        let after: CallResult | undefined;
        await waitFor(async () => {
          const before = broken.backend.calls;
          after = await ctx.client.call({ target: TARGET, count: 100, concurrency: 2 });
          return broken.backend.calls === before;
        }, 'the broken endpoint to be ejected', 15_000);
        noFailures(after!);
        assert.deepEqual(after!.ok, { serviceB: 100 });
      } finally {
        await broken.deregister();
        await ctx.mesh.apply('no outlier detection', { [NODES]: nodes(false) });
      }
    },
  },
  {
    name: 'an invalid commit changes nothing: validate and sync fail, clients keep their routes',
    run: async (ctx) => {
      await routes(ctx.mesh, 'all to serviceBv2', { weights: [0, 100] });
      const commit = ctx.mesh.commit('a weight out of range', { [ROUTING]: routing({ weights: [0, 101] }) })!;
      try {
        assert.equal((await ctx.mesh.settled(commit, 'meshplane/apps/validate')).state, 'failure');
        const sync = await ctx.mesh.settled(commit, 'meshplane/apps/sync');
        assert.equal(sync.state, 'failure');
        assert.match(sync.description, /not pushed/);
        const result = await ctx.client.call({ target: TARGET, count: 100, concurrency: 10 });
        noFailures(result);
        assert.deepEqual(result.ok, { serviceBv2: 100 });
      } finally {
        await routes(ctx.mesh, 'all to serviceBv2 again', { weights: [0, 100] });
      }
    },
  },
  {
    name: 'a NACK shows on the commit\'s sync status, and clients keep their last accepted config',
    run: async (ctx) => {
      await routes(ctx.mesh, 'all to serviceBv2', { weights: [0, 100] });
      // The same address twice in one locality: meshplane sends both endpoints (Envoy accepts that),
      // and grpc-js-xds and C-core 1.51 both reject the endpoints.
      const commit = ctx.mesh.commit('serviceBv2 declared twice', { [SETTINGS]: settings(ctx.mesh.backends, true, true) })!;
      try {
        const sync = await ctx.mesh.settled(commit, 'meshplane/apps/sync');
        assert.equal(sync.state, 'failure', sync.description);
        assert.match(sync.description, /NACKed clusterLoadAssignment/);
        process.stderr.write(`    conformance ${ctx.kind}: sync of the duplicate-instance commit: ${sync.description}\n`);
        const result = await ctx.client.call({ target: TARGET, count: 50, concurrency: 5 });
        noFailures(result);
        assert.deepEqual(result.ok, { serviceBv2: 50 });
      } finally {
        await ctx.mesh.apply('serviceBv2 declared once', { [SETTINGS]: settings(ctx.mesh.backends, true) });
      }
    },
  },
];

/** Polls an async probe until it holds; the probe itself bounds each attempt. */
async function waitFor(probe: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const STARTERS: Record<ClientKind, (bootstrap: string) => Promise<Client>> = {
  'grpc-js-xds': (bootstrap) => XdsClientProcess.start(bootstrap),
  'c-core': (bootstrap) => CCoreClientProcess.start(bootstrap),
};

describe('xds conformance: one scenario table, grpc-js-xds and gRPC C-core 1.51 (python3-grpcio)', function () {
  this.timeout(120_000);
  let mesh: ConformanceMesh;
  const clients = new Map<ClientKind, Client>();
  const extra: Client[] = [];

  before(async () => {
    mesh = await ConformanceMesh.start();
  });

  after(async () => {
    for (const client of [...clients.values(), ...extra]) client.stop();
    await mesh?.stop();
  });

  for (const kind of Object.keys(STARTERS) as ClientKind[]) {
    describe(kind, () => {
      before(async function () {
        if (kind === 'c-core') requireCCore(this);
        const bootstrap = grpcBootstrap({ nodeId: NODE_ID, xds: mesh.daemon.xds });
        const client = await STARTERS[kind](bootstrap);
        clients.set(kind, client);
        // A channel opens its xDS stream with its first call: from here on the daemon counts this client.
        noFailures(await client.call({ target: TARGET, count: 5 }));
        if (kind === 'c-core') process.stderr.write(`    conformance: gRPC C-core through python3-grpcio ${cCoreAvailability().version}\n`);
      });

      // A fresh client left connected would count in every later commit's sync: it stops with its row.
      afterEach(() => extra.splice(0).forEach((client) => client.stop()));

      for (const row of TABLE) {
        const known = row.known?.[kind];
        it(known ? `${row.name} [known ${kind} bug: ${known.reason}]` : row.name, async function () {
          const fresh = async () => {
            const client = await STARTERS[kind](grpcBootstrap({ nodeId: NODE_ID, xds: mesh.daemon.xds }));
            extra.push(client);
            return client;
          };
          const ctx: Context = { mesh, kind, client: clients.get(kind)!, fresh };
          if (known && !known.fails) {
            process.stderr.write(`\n  SKIPPED (${kind}): ${known.reason}\n`);
            this.skip();
          }
          if (known?.fails) {
            const failure = await row.run(ctx).then(
              () => undefined,
              (error: Error) => error,
            );
            assert.ok(failure, `the known ${kind} bug (${known.reason}) no longer shows: update the conformance table and docs/xds.md`);
            assert.match(failure.message, known.fails, `the row fails, but not as the known ${kind} bug does`);
            process.stderr.write(`    conformance ${kind}: known bug reproduced: ${failure.message.split('\n')[0]}\n`);
            return;
          }
          await row.run(ctx);
        });
      }
    });
  }
});
