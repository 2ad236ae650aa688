// The AWS CLI (Debian's awscli, /usr/bin/aws) against the App Mesh API with --endpoint-url:
// describe and list with pagination, and an error as the CLI prints it.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { cleanupAfterEach } from '../helpers/cleanups';
import { ApiFixture, KEYS, REGION, startApiFixture } from './api-fixture';

const AWS = '/usr/bin/aws';

/** Runs the CLI without blocking the event loop: the server answering it is in this process. */
function aws(fixture: ApiFixture, home: string, args: string[], key: { accessKeyId: string; secret: string } = KEYS.admin): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => execFile(AWS, ['appmesh', ...args, '--endpoint-url', fixture.url, '--region', REGION, '--output', 'json'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secret,
      AWS_CONFIG_FILE: `${home}/no-config`,
      AWS_SHARED_CREDENTIALS_FILE: `${home}/no-credentials`,
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  }, (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr })));
}

describe('App Mesh API with the AWS CLI', function () {
  this.timeout(120_000);
  const cleanups = cleanupAfterEach();
  before(function () {
    if (!fs.existsSync(AWS)) this.skip(); // .ci/run installs awscli
  });

  it('describe-virtual-node prints the resource with its metadata', async () => {
    const fixture = await startApiFixture(cleanups);
    const home = cleanups.tempDir('meshplane-aws-home-');
    const out = await aws(fixture, home, ['describe-virtual-node', '--mesh-name', 'apps', '--virtual-node-name', 'serviceA']);
    assert.equal(out.status, 0, out.stderr);
    const node = JSON.parse(out.stdout).virtualNode;
    assert.equal(node.virtualNodeName, 'serviceA');
    assert.equal(node.metadata.arn, 'arn:aws:appmesh:us-west-2:111122223333:mesh/apps/virtualNode/serviceA');
    assert.equal(node.metadata.version, 1);
    assert.match(node.metadata.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/, 'the CLI parsed the epoch seconds as a timestamp');
    assert.deepEqual(node.status, { status: 'ACTIVE' });
  });

  it('list-virtual-nodes pages with --page-size (every page fetched) and --max-items (a NextToken to resume)', async () => {
    const fixture = await startApiFixture(cleanups);
    const home = cleanups.tempDir('meshplane-aws-home-');
    const all = await aws(fixture, home, ['list-virtual-nodes', '--mesh-name', 'apps', '--page-size', '1']);
    assert.equal(all.status, 0, all.stderr);
    assert.deepEqual(JSON.parse(all.stdout).virtualNodes.map((n: { virtualNodeName: string }) => n.virtualNodeName).sort(), ['serviceA', 'serviceB', 'serviceBv2']);
    const first = await aws(fixture, home, ['list-virtual-nodes', '--mesh-name', 'apps', '--max-items', '2']);
    assert.equal(first.status, 0, first.stderr);
    const firstPage = JSON.parse(first.stdout);
    assert.equal(firstPage.virtualNodes.length, 2);
    assert.ok(firstPage.NextToken, 'the CLI offers a token to resume');
    const rest = await aws(fixture, home, ['list-virtual-nodes', '--mesh-name', 'apps', '--starting-token', firstPage.NextToken]);
    assert.equal(rest.status, 0, rest.stderr);
    const names = [...firstPage.virtualNodes, ...JSON.parse(rest.stdout).virtualNodes].map((n: { virtualNodeName: string }) => n.virtualNodeName);
    assert.deepEqual(names.sort(), ['serviceA', 'serviceB', 'serviceBv2']);
  });

  it('list-meshes and describe-route; a missing resource prints NotFoundException and exits 254', async () => {
    const fixture = await startApiFixture(cleanups);
    const home = cleanups.tempDir('meshplane-aws-home-');
    const meshes = await aws(fixture, home, ['list-meshes']);
    assert.equal(meshes.status, 0, meshes.stderr);
    assert.deepEqual(JSON.parse(meshes.stdout).meshes.map((m: { meshName: string }) => m.meshName), ['apps']);
    const route = await aws(fixture, home, ['describe-route', '--mesh-name', 'apps', '--virtual-router-name', 'serviceB', '--route-name', 'serviceB']);
    assert.equal(route.status, 0, route.stderr);
    assert.equal(JSON.parse(route.stdout).route.spec.http2Route.match.prefix, '/');
    const missing = await aws(fixture, home, ['describe-mesh', '--mesh-name', 'nope']);
    assert.equal(missing.status, 254);
    assert.match(missing.stderr, /An error occurred \(NotFoundException\) when calling the DescribeMesh operation: Mesh nope was not found/);
    const refused = await aws(fixture, home, ['list-meshes'], { accessKeyId: KEYS.admin.accessKeyId, secret: 'wrong' });
    assert.match(refused.stderr, /InvalidSignatureException/);
  });
});
