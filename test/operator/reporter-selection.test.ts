// Reporters are declared by the operator and selected by environment.yaml: a selection the operator
// did not declare, or any bad status section, is a validation failure of that commit at
// environment.yaml:line (never a crashed reconcile); the last good revision keeps serving, and its
// statuses keep going to the reporters it selected.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Daemon } from '../../reconciler/daemon/daemon';
import { operatorConfig } from '../../reconciler/operator/operator-config';
import { RecordedStatus } from '../../reconciler/status/status';
import { FakeGitHub } from '../fakes/fake-github';
import { cleanupAfterEach } from '../helpers/cleanups';
import { eventually } from '../helpers/eventually';

describe('operator config: reporters selected by environment.yaml', function () {
  this.timeout(60_000);
  const cleanups = cleanupAfterEach();

  it('refuses undeclared or malformed selections at their line, and reports the good commit to the declared forge', async () => {
    const github = new FakeGitHub('ghp_operator');
    await github.start();
    cleanups.push(() => github.stop());
    const r = cleanups.gitRepo();
    const base = fs.readFileSync(path.join(r.dir, 'environments/apps/environment.yaml'), 'utf8');
    const good = r.commit('select the forge', { 'environments/apps/environment.yaml': `${base}status:\n  reporters: [git-notes, github-main]\n` });
    const operator = operatorConfig({ reporters: { 'github-main': { kind: 'github', owner: 'acme', repo: 'mesh', baseUrl: github.baseUrl, token: { env: 'OPERATOR_GITHUB_TOKEN' } } } });
    const daemon = await Daemon.start({
      repo: r.dir,
      dataDir: cleanups.tempDir('meshplane-daemon-'),
      xdsListen: '127.0.0.1:0',
      httpListen: '127.0.0.1:0',
      pollIntervalMs: 100,
      operator,
      variables: { OPERATOR_GITHUB_TOKEN: 'ghp_operator' },
    });
    cleanups.push(() => daemon.stop());
    const settled = (commit: string, context: string) =>
      eventually(`${context} of ${commit.slice(0, 7)}`, () => {
        const status: RecordedStatus | undefined = daemon.book.get(commit)?.statuses.find((s) => s.context === context);
        return status && status.state !== 'pending' ? status : undefined;
      }, 20_000);
    assert.equal((await settled(good, 'meshplane/apps/sync')).state, 'success');
    await daemon.book.flush();
    assert.ok(github.statuses.some((s) => s.context === 'meshplane/apps/validate' && s.state === 'success'), 'the declared forge got the statuses');

    // status.reporters is the line after `status:`, which follows the bundled settings.
    const reportersLine = base.split('\n').length + 1;
    const bad: Array<{ status: string; line: number; message: RegExp }> = [
      { status: 'status:\n  reporters: [git-notes, github-mian]\n', line: reportersLine, message: /ENV-REPORTER status\.reporters names "github-mian", which the operator configuration does not declare/ },
      { status: 'status:\n  reporters: github-main\n', line: reportersLine, message: /status\.reporters/ },
      { status: 'status:\n  reporter: github\n  github: { owner: acme, repo: mesh, tokenEnv: "bad-name" }\n', line: 0, message: /environments\/apps\/environment\.yaml:\d+: / },
    ];
    for (const attempt of bad) {
      const commit = r.commit('bad status section', { 'environments/apps/environment.yaml': `${base}${attempt.status}` });
      const validate = await settled(commit, 'meshplane/apps/validate');
      assert.equal(validate.state, 'failure', validate.description);
      if (attempt.line > 0) assert.match(validate.description, new RegExp(`environments/apps/environment\\.yaml:${attempt.line}: `));
      assert.match(validate.description, attempt.message);
      assert.equal((await settled(commit, 'meshplane/apps/apply')).state, 'failure');
      assert.equal(daemon.environments()[0].live?.commit, good, 'the last good revision keeps serving');
    }
    await daemon.book.flush();
    assert.ok(github.requests.every((q) => q.headers.authorization === 'token ghp_operator'), 'only the operator\'s token went out');
  });
});
