// A committer with push access to the mesh repository tries to reach beyond the mesh: send a daemon
// secret to a host of their choosing, run a committed script, make the daemon read a FIFO or a
// device, repoint the state store. Each attack is a real commit to a real repository served by a
// real `meshplane serve` process: the commit's validate status fails naming environment.yaml:line,
// nothing leaves for the committer's host, nothing committed runs, the daemon keeps answering, and
// the last good revision keeps serving.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { DaemonProcess } from '../daemon/daemon-process';
import { eventually } from '../helpers/eventually';
import { GitRepo, makeGitRepo, tempDir } from '../helpers/temp-repo';

interface CommitStatus {
  context: string;
  state: string;
  description: string;
}

const DAEMON_SECRETS = { MESHPLANE_WEBHOOK_SECRET: 'whsec-not-for-committers', AWS_SECRET_ACCESS_KEY: 'aws-not-for-committers' };

describe('security: a hostile committer', function () {
  this.timeout(120_000);
  let repo: GitRepo;
  let dirs: string[];
  let daemon: DaemonProcess;
  let good: string;
  let base: string;
  /** The committer's listener: nothing may ever reach it. */
  let listener: http.Server;
  let listenerUrl: string;
  const received: string[] = [];

  before(async () => {
    listener = http.createServer((request, response) => {
      received.push(`${request.method} ${request.url} ${JSON.stringify(request.headers)}`);
      response.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    repo = makeGitRepo();
    good = repo.head();
    base = fs.readFileSync(path.join(repo.dir, 'environments/apps/environment.yaml'), 'utf8');
    const dataDir = tempDir('meshplane-hostile-data-');
    const configDir = tempDir('meshplane-hostile-config-');
    dirs = [dataDir, configDir];
    const config = path.join(configDir, 'meshplane.yaml');
    fs.writeFileSync(config, 'listen: { http: 127.0.0.1:0, xds: 127.0.0.1:0 }\nsource: { pollInterval: 0.2 }\nlogging: { level: info }\n');
    daemon = await DaemonProcess.start(['--config', config, '--repo', repo.dir, '--data-dir', dataDir], DAEMON_SECRETS);
    await settledStatus(good, 'meshplane/apps/sync');
  });

  after(async () => {
    await daemon?.kill();
    await new Promise((resolve) => listener.close(resolve));
    repo?.remove();
    for (const dir of dirs ?? []) fs.rmSync(dir, { recursive: true, force: true });
  });

  const settledStatus = (commit: string, context: string) =>
    eventually(`${context} of ${commit.slice(0, 7)}`, async () => {
      const { status, body } = await daemon.get<{ statuses: CommitStatus[] }>(`/api/commits/${commit}`);
      const found = status === 200 ? body.statuses.find((s) => s.context === context) : undefined;
      return found && found.state !== 'pending' ? found : undefined;
    }, 40_000);

  /** Commits `attack` appended to environment.yaml; returns the commit and the line `marker` is on. */
  const commitAttack = (message: string, attack: string, marker: string, files: Record<string, string> = {}) => {
    const text = `${base}${attack}`;
    const line = text.split('\n').findIndex((l) => l.includes(marker)) + 1;
    assert.ok(line > 0, `${marker} is in the attack`);
    return { commit: repo.commit(message, { ...files, 'environments/apps/environment.yaml': text }), line };
  };

  /** The commit fails validation at environment.yaml:line with `code`; the good revision keeps serving; /healthz answers. */
  const assertRefused = async (commit: string, line: number, code: string) => {
    const validate = await settledStatus(commit, 'meshplane/apps/validate');
    assert.equal(validate.state, 'failure', validate.description);
    assert.match(validate.description, new RegExp(`environments/apps/environment\\.yaml:${line}: ${code} `));
    const apply = await settledStatus(commit, 'meshplane/apps/apply');
    assert.equal(apply.state, 'failure');
    const { body } = await daemon.get<{ environments: Array<{ name: string; live?: { commit: string } }> }>('/api/environments');
    assert.equal(body.environments.find((e) => e.name === 'apps')?.live?.commit, good, 'the last good revision keeps serving');
    const started = Date.now();
    assert.equal((await daemon.get<{ status: string }>('/healthz')).status, 200);
    assert.ok(Date.now() - started < 5_000, '/healthz answers promptly');
  };

  it('cannot send a daemon secret to a host of its choosing through status.github (tokenEnv + baseUrl)', async () => {
    const { commit, line } = commitAttack(
      'report to my server',
      `status:\n  github: { owner: evil, repo: loot, tokenEnv: MESHPLANE_WEBHOOK_SECRET, baseUrl: ${listenerUrl} }\n`,
      'github:',
    );
    await assertRefused(commit, line, 'ENV-OPERATOR');
    const again = commitAttack('select a reporter nobody declared', 'status:\n  reporters: [git-notes, evil-hub]\n', 'reporters:');
    const validate = await settledStatus(again.commit, 'meshplane/apps/validate');
    assert.equal(validate.state, 'failure');
    assert.match(validate.description, new RegExp(`environment\\.yaml:${again.line}: ENV-REPORTER status\\.reporters names "evil-hub", which the operator configuration does not declare`));
    assert.deepEqual(received, [], 'no request reached the committer\'s listener');
  });

  it('cannot run a committed script as the Terraform binary', async () => {
    const marker = path.join(tempDir('meshplane-hostile-marker-'), 'ran');
    dirs.push(path.dirname(marker));
    const script = path.join(repo.dir, 'environments/apps/tf.sh');
    const { commit, line } = commitAttack(
      'my own terraform',
      `terraform:\n  enabled: true\n  targets: [appmesh]\n  binary: ${script}\n`,
      'binary:',
      { 'environments/apps/tf.sh': `#!/bin/sh\nenv > "${marker}"\nexit 0\n` },
    );
    fs.chmodSync(script, 0o755);
    await assertRefused(commit, line, 'ENV-OPERATOR');
    assert.equal(fs.existsSync(marker), false, 'the committed script never ran');
  });

  for (const target of ['/dev/zero', 'a FIFO']) {
    it(`cannot make the daemon read ${target} as an xDS token (xds.auth.tokens)`, async () => {
      let file = target;
      if (target === 'a FIFO') {
        const dir = tempDir('meshplane-hostile-fifo-');
        dirs.push(dir);
        file = path.join(dir, 'token');
        execFileSync('mkfifo', [file]);
      }
      const { commit, line } = commitAttack(
        `xds token from ${target}`,
        `xds:\n  auth:\n    mode: token\n    tokens:\n      mesh/apps/virtualNode/serviceA: file:${file}\n`,
        'auth:',
      );
      await assertRefused(commit, line, 'ENV-OPERATOR');
    });
  }

  it('cannot repoint the state store (store: in environment.yaml)', async () => {
    const { commit, line } = commitAttack('my etcd', `store:\n  backend: etcd\n  etcd:\n    endpoints: [${listenerUrl}]\n`, 'store:');
    await assertRefused(commit, line, 'ENV-OPERATOR');
    assert.deepEqual(received, [], 'no request reached the committer\'s listener');
  });
});
