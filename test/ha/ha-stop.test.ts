// Stopping a replica never waits on etcd: with the whole etcd cluster gone, SIGTERM still ends
// `meshplane serve --store etcd` within the daemon's stop bound, with its lock released.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CoordinationStatus } from '../../reconciler/ha';
import { stopBoundMs } from '../../reconciler/daemon/daemon';
import { DATA_DIR_LOCK_FILE } from '../../reconciler/daemon/data-dir-lock';
import { DaemonProcess } from '../daemon/daemon-process';
import { cleanupAfterEach } from '../helpers/cleanups';
import { EtcdCluster, skipWithoutEtcd } from '../helpers/etcd-cluster';
import { eventually } from '../helpers/eventually';

describe('HA: stopping during an etcd outage', function () {
  this.timeout(180_000);
  const cleanups = cleanupAfterEach();
  let cluster: EtcdCluster | undefined;

  before(async function () {
    skipWithoutEtcd(this);
    cluster = await EtcdCluster.start(1);
  });
  after(async () => cluster?.stop());

  it('SIGTERM ends the leading replica within the stop bound while etcd is down', async () => {
    const repo = cleanups.gitRepo();
    const dataDir = cleanups.tempDir('meshplane-data-');
    const replica = await DaemonProcess.start([
      '--repo', repo.dir, '--data-dir', dataDir, '--xds-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0',
      '--store', 'etcd', '--etcd-endpoints', cluster!.endpoints.join(','), '--etcd-prefix', '/ha-stop/', '--etcd-lease-ttl', '2',
    ]);
    cleanups.push(() => replica.kill());
    await eventually('the replica to lead', async () => (await replica.get<CoordinationStatus>('/api/replicas')).body.leader, 30_000);

    await cluster!.stopMember(0);
    await eventually('the replica to notice etcd is gone', async () => !(await replica.get<CoordinationStatus>('/api/replicas')).body.store.reachable, 30_000);
    const bound = stopBoundMs();
    const started = Date.now();
    const code = await replica.signal('SIGTERM', bound + 5_000); // throws (and kills it) past the bound
    const tookMs = Date.now() - started;
    assert.ok(code === 0 || code === 1, `exit code ${code}`);
    assert.ok(tookMs <= bound + 5_000, `stopped after ${tookMs} ms`);
    assert.ok(!fs.existsSync(path.join(dataDir, DATA_DIR_LOCK_FILE)), 'the data dir lock is released');
    const stopping = replica.logs.findIndex((l) => l.msg === 'stopping');
    assert.ok(!replica.logs.slice(stopping).some((l) => l.msg === 'elected leader'), 'campaigned while stopping');
  });
});
