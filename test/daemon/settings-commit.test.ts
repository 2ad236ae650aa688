// A commit that changes only environment.yaml settings the translation reads is applied like a
// resource change: planned with the setting, a new revision, pushed to the proxies it reaches, and
// the statuses say so (it used to be "No changes" while every client received new routes).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Json } from '../../provider/envoy/proto-codec';
import { TYPE_URLS } from '../../provider/envoy/snapshot';
import { Daemon } from '../../reconciler/daemon/daemon';
import { RecordedStatus } from '../../reconciler/status/status';
import { cleanupAfterEach } from '../helpers/cleanups';
import { eventually } from '../helpers/eventually';
import { ScriptedGrpcClient } from '../xds/helpers/scripted-grpc-client';

const NODE = 'mesh/apps/virtualNode/serviceA';

/** Whether any route of serviceA's accepted route configurations carries a retry policy. */
function retries(client: ScriptedGrpcClient): boolean | undefined {
  const names = client.accepted(TYPE_URLS.routeConfiguration);
  if (names.length === 0) return undefined;
  const routes = names.flatMap((name) => ((client.value(TYPE_URLS.routeConfiguration, name)?.virtual_hosts as Json[] | undefined) ?? []).flatMap((host) => (host.routes as Json[]) ?? []));
  return routes.some((route) => (route.route as Json | undefined)?.retry_policy !== undefined);
}

describe('meshplane serve: a settings-only commit', function () {
  this.timeout(90_000);
  const cleanups = cleanupAfterEach();

  it('plans and applies a defaultRetryPolicy flip, pushes the new routes, and the statuses say so', async () => {
    const repo = cleanups.gitRepo();
    const daemon = await Daemon.start({ repo: repo.dir, dataDir: cleanups.tempDir('meshplane-daemon-'), xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', ackTimeoutMs: 10_000, pollIntervalMs: 100 });
    cleanups.push(() => daemon.stop());
    const statuses = (commit: string) =>
      eventually(`statuses of ${commit.slice(0, 7)}`, () => {
        const recorded = daemon.book.get(commit)?.statuses;
        const sync = recorded?.find((s: RecordedStatus) => s.context === 'meshplane/apps/sync');
        return sync && sync.state !== 'pending' ? Object.fromEntries(recorded!.map((s) => [s.context.split('/').pop(), `${s.state}: ${s.description}`])) : undefined;
      }, 45_000);
    await statuses(repo.head());
    const client = new ScriptedGrpcClient(daemon.xdsAddress, NODE, 'sotw', 'serviceb.apps.local:80');
    cleanups.push(() => client.stop());
    assert.equal(await eventually('the routes with the default retry policy', () => retries(client)), true);

    const settings = path.join(repo.dir, 'environments/apps/environment.yaml');
    const commit = repo.commit('no default retries', { 'environments/apps/environment.yaml': `${fs.readFileSync(settings, 'utf8')}defaultRetryPolicy: false\n` });
    const after = await statuses(commit);
    assert.equal(after.plan, 'success: Plan: 0 to add, 0 to change, 0 to destroy, 1 setting to change.');
    assert.equal(after.apply, 'success: revision 2 applied');
    assert.equal(after.sync, `success: 1/1 proxies on ${commit.slice(0, 7)}`);
    assert.equal(retries(client), false, 'the client runs routes without the default retry policy');
    const stored = await daemon.store.read('apps');
    assert.equal(stored?.settings.defaultRetryPolicy, false);
  });
});
