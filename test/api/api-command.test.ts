// `meshplane api` as users run it (the bin, a configuration file, a repository directory), driven
// by the AWS CLI with --cli-input-json files: create, describe, update, list with pagination, delete.
import * as assert from 'node:assert/strict';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupAfterEach } from '../helpers/cleanups';
import { REPO_ROOT } from '../helpers/paths';
import { KEYS, REGION } from './api-fixture';

const AWS = '/usr/bin/aws';

function startApi(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'meshplane'), 'api', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`meshplane api exited (${code}): ${stderr}`)));
  });
}

describe('meshplane api with the AWS CLI', function () {
  this.timeout(180_000);
  const cleanups = cleanupAfterEach();
  before(function () {
    if (!fs.existsSync(AWS)) this.skip(); // .ci/run installs awscli
  });

  it('serves a repository: --cli-input-json create and update, describe, paged list, delete; each write a commit', async () => {
    const repo = cleanups.gitRepo();
    const work = cleanups.tempDir('meshplane-api-cmd-');
    fs.writeFileSync(
      path.join(work, 'meshplane.yaml'),
      [
        'api:',
        '  keys:',
        `    - accessKeyId: ${KEYS.admin.accessKeyId}`,
        '      secretAccessKey: { env: MESHPLANE_API_SECRET }',
        '      identity: platform-ci',
        '      email: ci@example.com',
        '      write: ["*"]',
        '',
      ].join('\n'),
    );
    const { child, url } = await startApi(['--config', path.join(work, 'meshplane.yaml'), '--repo', repo.dir, '--listen', '127.0.0.1:0', '--data-dir', path.join(work, 'data')], {
      PATH: process.env.PATH,
      MESHPLANE_API_SECRET: KEYS.admin.secret,
    });
    cleanups.push(() => void child.kill('SIGTERM'));
    const aws = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(
          AWS,
          ['appmesh', ...args, '--endpoint-url', url, '--region', REGION, '--output', 'json'],
          { env: { PATH: process.env.PATH, HOME: work, AWS_ACCESS_KEY_ID: KEYS.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.admin.secret, AWS_CONFIG_FILE: path.join(work, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'none'), AWS_PAGER: '' }, timeout: 60_000 },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
        ),
      );
    const input = path.join(work, 'node.json');
    fs.writeFileSync(input, JSON.stringify({ meshName: 'apps', virtualNodeName: 'serviceC', spec: { listeners: [{ portMapping: { port: 80, protocol: 'http' } }], serviceDiscovery: { dns: { hostname: 'c.apps.local' } } } }));
    const created = await aws('create-virtual-node', '--cli-input-json', `file://${input}`);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(JSON.parse(created.stdout).virtualNode.metadata.version, 1);
    assert.match(repo.git('log', '-1', '--format=%an <%ae> %s', 'main'), /^platform-ci <ci@example\.com> .*CreateVirtualNode/);
    fs.writeFileSync(input, JSON.stringify({ meshName: 'apps', virtualNodeName: 'serviceC', spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }], serviceDiscovery: { dns: { hostname: 'c.apps.local' } } } }));
    const updated = await aws('update-virtual-node', '--cli-input-json', `file://${input}`);
    assert.equal(updated.code, 0, updated.stderr);
    const described = await aws('describe-virtual-node', '--mesh-name', 'apps', '--virtual-node-name', 'serviceC');
    assert.equal(JSON.parse(described.stdout).virtualNode.spec.listeners[0].portMapping.port, 8080);
    const listed = await aws('list-virtual-nodes', '--mesh-name', 'apps', '--page-size', '2');
    assert.deepEqual(JSON.parse(listed.stdout).virtualNodes.map((n: { virtualNodeName: string }) => n.virtualNodeName).sort(), ['serviceA', 'serviceB', 'serviceBv2', 'serviceC']);
    const deleted = await aws('delete-virtual-node', '--mesh-name', 'apps', '--virtual-node-name', 'serviceC');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(JSON.parse(deleted.stdout).virtualNode.status.status, 'DELETED');
    assert.equal(repo.git('log', '--format=%s', 'main').split('\n').length, 4, 'the initial commit and three API commits');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
