// Terraform's AWS provider (real Terraform, hashicorp/aws from the filesystem mirror) pointed at
// meshplane's App Mesh API: apply creates all seven kinds as commits, a second plan shows no
// changes, an update moves live traffic, a Git-made resource imports cleanly, destroy empties the
// environment. Each step is checked in the Git repository and, for the create and the update, on
// a proxyless grpc-js-xds client served by the daemon following that repository.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createAppMeshApi } from '../../../reconciler/api/app-mesh-api';
import { Daemon } from '../../../reconciler/daemon/daemon';
import { Backend, startBackend } from '../../../reconciler/demo/echo-service';
import { RunningHttpServer, startHttpServer } from '../../../reconciler/http/http-server';
import { parseOperatorConfig } from '../../../reconciler/operator/load-operator-config';
import { SecretSources } from '../../../reconciler/operator/secret-source';
import { grpcBootstrap } from '../../../reconciler/xds/bootstrap';
import { eventually } from '../../helpers/eventually';
import { GitRepo, makeGitRepo, tempDir } from '../../helpers/temp-repo';
import { offlineAwsProviderHcl, requireAwsProvider, TERRAFORM, TerraformSandbox, terraformSandbox } from '../../terraform/real-terraform';
import { XdsClientProcess } from '../../xds/e2e/mesh-harness';
import { meshHcl } from './mesh.tf';

const run = promisify(execFile);
const ENV = 'environments/tf';
const REGION = 'us-east-2';
const TARGET = 'xds:///svc.tf.local:8080';
const KEY = { accessKeyId: 'AKIATERRAFORMTEST001', secret: 'terraform-secret-0123456789' };

describe('Terraform AWS provider against the App Mesh API (real terraform apply/plan/import/destroy)', function () {
  this.timeout(900_000);
  let sandbox: TerraformSandbox;
  let repo: GitRepo;
  let dataDir: string;
  let daemon: Daemon;
  let server: RunningHttpServer;
  let backends: Backend[];
  let client: XdsClientProcess;
  let workdir: string;

  const terraform = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const env = { ...sandbox.env(workdir), NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };
    try {
      const { stdout, stderr } = await run(TERRAFORM, [...args, '-no-color'], { cwd: workdir, env, maxBuffer: 64 * 1024 * 1024 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  };
  const mustTerraform = async (...args: string[]) => {
    const result = await terraform(...args);
    assert.equal(result.code, 0, `terraform ${args.join(' ')} failed:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
    return result;
  };
  // The offline provider block, signing with an access key the operator configuration declares.
  const providerHcl = () =>
    offlineAwsProviderHcl({ region: REGION, appmeshEndpoint: server.url })
      .replace(/access_key += "[^"]*"/, `access_key = "${KEY.accessKeyId}"`)
      .replace(/secret_key += "[^"]*"/, `secret_key = "${KEY.secret}"`);
  const writeHcl = (options: Parameters<typeof meshHcl>[0]) => fs.writeFileSync(path.join(workdir, 'main.tf'), providerHcl() + meshHcl(options));
  const apiCommits = () => repo.git('log', '--format=%an|%s', '--grep', 'via App Mesh API').split('\n').filter(Boolean);
  const environmentFiles = () => repo.git('ls-tree', '-r', '--name-only', 'main', `${ENV}/`).split('\n').filter(Boolean);
  const share = async (expect: string) =>
    eventually(`all calls to reach ${expect}`, async () => {
      const result = await client.call({ target: TARGET, count: 20, concurrency: 4 });
      return result.ok[expect] === 20 ? result : undefined;
    }, 60_000);

  before(async function () {
    sandbox = terraformSandbox(requireAwsProvider(this));
    backends = [await startBackend('server-a'), await startBackend('server-b')];
    repo = makeGitRepo({ withApps: false });
    repo.commit('the tf environment', {
      [`${ENV}/environment.yaml`]:
        `account: "444455556666"\nregion: ${REGION}\ndiscovery:\n  instances:\n` +
        `    - { namespace: tf.local, service: server-a, address: 127.0.0.1, port: ${backends[0].port} }\n` +
        `    - { namespace: tf.local, service: server-b, address: 127.0.0.1, port: ${backends[1].port} }\n`,
    });
    dataDir = tempDir('meshplane-tf-daemon-');
    daemon = await Daemon.start({
      repo: repo.dir,
      dataDir,
      xdsListen: '127.0.0.1:0',
      httpListen: '127.0.0.1:0',
      pollIntervalMs: 60_000,
      driftIntervalMs: 60_000,
      operator: parseOperatorConfig('registry: { allowLoopback: true }\n', 'meshplane.yaml'),
    });
    const api = await createAppMeshApi({
      checkout: daemon.source.checkout,
      branch: daemon.source.branch,
      afterCommit: () => daemon.source.check(),
      store: daemon.store,
      settings: { keys: [{ accessKeyId: KEY.accessKeyId, secretAccessKey: { env: 'TF_KEY_SECRET' }, identity: 'terraform-ci', name: 'Terra Form', email: 'tf@example.com', read: [], write: ['*'] }], readOnly: [] },
      secrets: new SecretSources({ variables: { TF_KEY_SECRET: KEY.secret } }),
    });
    server = await startHttpServer(api.routes);
    workdir = path.join(sandbox.dir, 'mesh');
    fs.mkdirSync(workdir);
  });

  after(async () => {
    client?.stop();
    await server?.close();
    await daemon?.stop();
    for (const backend of backends ?? []) await backend.stop();
    repo?.remove();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    sandbox?.remove();
  });

  it('terraform apply creates all seven kinds as commits authored by the key, served to an xDS client', async () => {
    writeHcl({ serverA: 100, serverB: 0 });
    await mustTerraform('init', '-input=false');
    await mustTerraform('apply', '-auto-approve', '-input=false');
    const commits = apiCommits();
    assert.equal(commits.length, 9, commits.join('\n'));
    assert.ok(commits.every((c) => c.startsWith('Terra Form|Create')), commits.join('\n'));
    assert.deepEqual(environmentFiles().sort(), [
      `${ENV}/environment.yaml`,
      `${ENV}/tf/gateway-route/gw/gr.yaml`,
      `${ENV}/tf/mesh.yaml`,
      `${ENV}/tf/route/svc/svc.yaml`,
      `${ENV}/tf/virtual-gateway/gw.yaml`,
      `${ENV}/tf/virtual-node/client.yaml`,
      `${ENV}/tf/virtual-node/server-a.yaml`,
      `${ENV}/tf/virtual-node/server-b.yaml`,
      `${ENV}/tf/virtual-router/svc.yaml`,
      `${ENV}/tf/virtual-service/svc.tf.local.yaml`,
    ]);
    const mesh = repo.git('show', `main:${ENV}/tf/mesh.yaml`);
    assert.match(mesh, /egressFilter:\n\s+type: ALLOW_ALL/);
    assert.match(mesh, /tags:\n {2}- key: team\n {4}value: payments/);
    assert.match(repo.git('show', `main:${ENV}/tf/gateway-route/gw/gr.yaml`), /rewrite:\n\s+prefix:\n\s+value: \//);
    assert.match(repo.git('show', `main:${ENV}/tf/virtual-node/server-b.yaml`), /awsCloudMap:\n\s+namespaceName: tf.local\n\s+serviceName: server-b/);
    client = await XdsClientProcess.start(grpcBootstrap({ nodeId: 'mesh/tf/virtualNode/client', xds: daemon.xdsAddress }));
    await share('server-a');
  });

  it('a second terraform plan shows no changes', async () => {
    const plan = await terraform('plan', '-detailed-exitcode', '-input=false');
    assert.equal(plan.code, 0, `expected no changes:\n${plan.stdout.slice(-6000)}\n${plan.stderr.slice(-2000)}`);
  });

  it('an update edits the route in place and moves live traffic', async () => {
    const before = repo.git('show', `main:${ENV}/tf/route/svc/svc.yaml`);
    writeHcl({ serverA: 0, serverB: 100 });
    await mustTerraform('apply', '-auto-approve', '-input=false');
    assert.equal(repo.git('log', '-1', '--format=%s'), 'UpdateRoute tf/svc/svc (via App Mesh API)');
    const after = repo.git('show', `main:${ENV}/tf/route/svc/svc.yaml`);
    assert.ok(after.startsWith(before.split('\n')[0]), 'the header comment stays');
    assert.match(after, /virtualNode: server-b\n\s+weight: 100/);
    await share('server-b');
    const plan = await terraform('plan', '-detailed-exitcode', '-input=false');
    assert.equal(plan.code, 0, plan.stdout.slice(-4000));
  });

  it('terraform import takes a resource made in Git, and plans no change for it', async () => {
    repo.commit('a node made in Git', {
      [`${ENV}/nodes/legacy.yaml`]: '# made by hand\nkind: VirtualNode\nmeshName: tf\nvirtualNodeName: legacy\nspec:\n  listeners:\n    - portMapping: { port: 8080, protocol: http }\n  serviceDiscovery:\n    dns: { hostname: legacy.tf.local }\n',
    });
    writeHcl({ serverA: 0, serverB: 100, legacy: true });
    await mustTerraform('import', '-input=false', 'aws_appmesh_virtual_node.legacy', 'tf/legacy');
    const plan = await terraform('plan', '-detailed-exitcode', '-input=false');
    assert.equal(plan.code, 0, plan.stdout.slice(-4000));
  });

  it('terraform destroy deletes every resource, the Git-made one from its own file', async () => {
    await mustTerraform('destroy', '-auto-approve', '-input=false');
    assert.deepEqual(environmentFiles(), [`${ENV}/environment.yaml`]);
    const deletes = apiCommits().filter((c) => c.includes('|Delete'));
    assert.equal(deletes.length, 10, deletes.join('\n'));
    assert.ok(deletes.some((c) => c === 'Terra Form|DeleteVirtualNode tf/legacy (via App Mesh API)'));
    assert.equal(apiCommits()[0], 'Terra Form|DeleteMesh tf (via App Mesh API)');
  });
});
