// The App Mesh API on the daemon's HTTP port: a write through the SDK becomes a commit the daemon
// reconciles and applies, and the resource keeps its uid once applied.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppMesh } from '@aws-sdk/client-app-mesh';
import { Daemon } from '../../reconciler/daemon/daemon';
import { operatorConfig } from '../../reconciler/operator/operator-config';
import { cleanupAfterEach } from '../helpers/cleanups';
import { eventually } from '../helpers/eventually';
import { KEYS, REGION } from './api-fixture';

describe('App Mesh API on the daemon', function () {
  this.timeout(120_000);
  const cleanups = cleanupAfterEach();

  it('serves the API at the HTTP base URL: a create is committed, reconciled and applied with the uid the create answered', async () => {
    const repo = cleanups.gitRepo();
    const secrets = cleanups.tempDir('meshplane-api-secrets-');
    fs.writeFileSync(path.join(secrets, 'admin'), `${KEYS.admin.secret}\n`);
    const daemon = await Daemon.start({
      repo: repo.dir,
      dataDir: cleanups.tempDir('meshplane-daemon-'),
      xdsListen: '127.0.0.1:0',
      httpListen: '127.0.0.1:0',
      sourceBackoff: { initialMs: 20, maxMs: 100 },
      operator: operatorConfig({
        api: { keys: [{ accessKeyId: KEYS.admin.accessKeyId, secretAccessKey: { file: path.join(secrets, 'admin') }, identity: 'ci', read: [], write: ['*'] }] },
      }),
    });
    cleanups.push(() => daemon.stop());
    const client = new AppMesh({ endpoint: daemon.httpUrl, region: REGION, credentials: { accessKeyId: KEYS.admin.accessKeyId, secretAccessKey: KEYS.admin.secret } });
    cleanups.push(() => client.destroy());
    // The uid a create answers is the next revision's: a create made while another commit is still
    // being reconciled is applied one revision later (a known limit, docs/appmesh-api.md).
    const initial = repo.git('rev-parse', 'main');
    await eventually('the initial commit to be applied', () => daemon.environments().find((e) => e.name === 'apps')?.live?.commit === initial || undefined, 60_000);
    const created = (
      await client.createVirtualNode({ meshName: 'apps', virtualNodeName: 'serviceC', spec: { listeners: [{ portMapping: { port: 80, protocol: 'http' } }], serviceDiscovery: { dns: { hostname: 'c.apps.local' } } } })
    ).virtualNode!;
    const commit = repo.git('rev-parse', 'main');
    assert.match(repo.git('log', '-1', '--format=%an %s', 'main'), /^ci .*CreateVirtualNode/);
    await eventually('the API commit to be applied', () => daemon.environments().find((e) => e.name === 'apps')?.live?.commit === commit || undefined, 60_000);
    const applied = (await daemon.store.read('apps'))!.resources.find((r) => r.key === 'VirtualNode/apps/serviceC')!;
    assert.equal(applied.metadata.uid, created.metadata?.uid, 'the apply gave the uid the create answered');
    assert.equal(applied.metadata.arn, created.metadata?.arn);
  });
});
