import * as assert from 'node:assert/strict';
import { GitHubReporter } from '../../reconciler/status/github-reporter';
import { GitLabReporter } from '../../reconciler/status/gitlab-reporter';
import { RetryOptions } from '../../reconciler/status/retry';
import { makeStatus } from '../../reconciler/status/status';
import { FakeGitHub } from '../fakes/fake-github';
import { FakeGitLab } from '../fakes/fake-gitlab';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const FAST_RETRY: RetryOptions = { attempts: 4, backoff: { initialMs: 5, maxMs: 20 } };
const TOKEN = 'ghp_fakeToken123';
const statuses = [
  makeStatus('apps', 'validate', 'success', 'valid: 7 resources in 4 files', 'http://127.0.0.1:9080/commits/' + SHA),
  makeStatus('apps', 'sync', 'failure', '11/12 ACKed, serviceB NACKed: ' + 'x'.repeat(200)),
];

describe('GitHub and Gitea status reporter (against a fake GitHub)', () => {
  let github: FakeGitHub;
  afterEach(() => github.stop());

  it('POSTs one status per context to /repos/{owner}/{repo}/statuses/{sha} with the token', async () => {
    github = new FakeGitHub(TOKEN);
    await github.start();
    await new GitHubReporter({ flavour: 'github', owner: 'acme', repo: 'mesh', token: TOKEN, baseUrl: github.baseUrl, retry: FAST_RETRY }).report(SHA, statuses);
    assert.equal(github.requests.length, 2);
    const [first, second] = github.requests;
    assert.equal(first.method, 'POST');
    assert.equal(first.path, `/repos/acme/mesh/statuses/${SHA}`);
    assert.equal(first.headers.authorization, `token ${TOKEN}`);
    assert.match(String(first.headers['content-type']), /^application\/json/);
    assert.match(String(first.headers['user-agent']), /^meshplane/);
    assert.deepEqual(first.body, {
      state: 'success',
      context: 'meshplane/apps/validate',
      description: 'valid: 7 resources in 4 files',
      target_url: `http://127.0.0.1:9080/commits/${SHA}`,
    });
    assert.deepEqual(second.body, { state: 'failure', context: 'meshplane/apps/sync', description: statuses[1].description });
    assert.equal((second.body as { description: string }).description.length, 140);
  });

  it('retries on 5xx with backoff and succeeds', async () => {
    github = new FakeGitHub(TOKEN);
    await github.start();
    github.failures = [502, 503];
    await new GitHubReporter({ flavour: 'github', owner: 'acme', repo: 'mesh', token: TOKEN, baseUrl: github.baseUrl, retry: FAST_RETRY }).report(SHA, statuses.slice(0, 1));
    assert.equal(github.requests.length, 3);
    assert.deepEqual(new Set(github.requests.map((r) => JSON.stringify(r.body))).size, 1, 'the same request is repeated');
    assert.equal(github.statuses.length, 1);
  });

  it('gives up after the last attempt on persistent 5xx, saying so', async () => {
    github = new FakeGitHub(TOKEN);
    await github.start();
    github.failures = [500, 500, 500, 500, 500];
    const reporter = new GitHubReporter({ flavour: 'github', owner: 'acme', repo: 'mesh', token: TOKEN, baseUrl: github.baseUrl, retry: FAST_RETRY });
    await assert.rejects(reporter.report(SHA, statuses.slice(0, 1)), /GitHub refused the commit status \(HTTP 500: .*\) after 4 attempts/);
    assert.equal(github.requests.length, 4);
  });

  it('does not retry a 401 and says how to fix the token', async () => {
    github = new FakeGitHub(TOKEN);
    await github.start();
    const reporter = new GitHubReporter({ flavour: 'github', owner: 'acme', repo: 'mesh', token: 'wrong', baseUrl: github.baseUrl, retry: FAST_RETRY });
    await assert.rejects(reporter.report(SHA, statuses.slice(0, 1)), /HTTP 401: Bad credentials\) after 1 attempt\. Check that the token is valid/);
    assert.equal(github.requests.length, 1);
    assert.equal(github.requests[0].headers.authorization, 'token wrong');
  });

  it('reports to Gitea at its /api/v1 base URL', async () => {
    github = new FakeGitHub(TOKEN, '/api/v1');
    await github.start();
    await new GitHubReporter({ flavour: 'gitea', owner: 'ops', repo: 'mesh', token: TOKEN, baseUrl: github.baseUrl + '/', retry: FAST_RETRY }).report(SHA, statuses.slice(0, 1));
    assert.equal(github.requests[0].path, `/api/v1/repos/ops/mesh/statuses/${SHA}`);
    assert.equal(github.requests[0].headers.authorization, `token ${TOKEN}`);
  });

  it('names Gitea in its errors', async () => {
    github = new FakeGitHub(TOKEN, '/api/v1');
    await github.start();
    const reporter = new GitHubReporter({ flavour: 'gitea', owner: 'ops', repo: 'mesh', token: TOKEN, baseUrl: github.origin + '/api/v2', retry: FAST_RETRY });
    await assert.rejects(reporter.report(SHA, statuses.slice(0, 1)), /^StatusError: Gitea refused the commit status \(HTTP 404.*Check owner\/repo/);
  });
});

describe('GitLab status reporter (against a fake GitLab)', () => {
  let gitlab: FakeGitLab;
  afterEach(() => gitlab.stop());

  it('POSTs /api/v4/projects/:id/statuses/:sha with PRIVATE-TOKEN, mapping failure to failed', async () => {
    gitlab = new FakeGitLab('glpat-fake');
    await gitlab.start();
    await new GitLabReporter({ project: 'group/mesh', token: 'glpat-fake', baseUrl: gitlab.baseUrl, retry: FAST_RETRY }).report(SHA, statuses);
    assert.equal(gitlab.requests.length, 2);
    const [first, second] = gitlab.requests;
    assert.equal(first.method, 'POST');
    assert.equal(first.path, `/api/v4/projects/group%2Fmesh/statuses/${SHA}`);
    assert.equal(first.headers['private-token'], 'glpat-fake');
    assert.equal(first.headers.authorization, undefined);
    assert.deepEqual(first.body, {
      state: 'success',
      name: 'meshplane/apps/validate',
      description: 'valid: 7 resources in 4 files',
      target_url: `http://127.0.0.1:9080/commits/${SHA}`,
    });
    assert.deepEqual(second.body, { state: 'failed', name: 'meshplane/apps/sync', description: statuses[1].description });
  });

  it('accepts a base URL that already ends in /api/v4, and a numeric project ID', async () => {
    gitlab = new FakeGitLab('t');
    await gitlab.start();
    await new GitLabReporter({ project: '42', token: 't', baseUrl: `${gitlab.baseUrl}/api/v4`, retry: FAST_RETRY }).report(SHA, statuses.slice(0, 1));
    assert.equal(gitlab.requests[0].path, `/api/v4/projects/42/statuses/${SHA}`);
  });

  it('retries on 5xx and succeeds', async () => {
    gitlab = new FakeGitLab('t');
    await gitlab.start();
    gitlab.failures = [500, 502, 503];
    await new GitLabReporter({ project: 'g/p', token: 't', baseUrl: gitlab.baseUrl, retry: FAST_RETRY }).report(SHA, statuses.slice(0, 1));
    assert.equal(gitlab.requests.length, 4);
    assert.equal(gitlab.statuses.length, 1);
  });

  it('treats "cannot transition" (the state it already has) as done', async () => {
    gitlab = new FakeGitLab('t');
    await gitlab.start();
    const reporter = new GitLabReporter({ project: 'g/p', token: 't', baseUrl: gitlab.baseUrl, retry: FAST_RETRY });
    await reporter.report(SHA, statuses.slice(0, 1));
    await reporter.report(SHA, statuses.slice(0, 1));
    assert.equal(gitlab.requests.length, 2);
    assert.equal(gitlab.statuses.length, 1);
  });

  it('prefixes an error state in the description, since GitLab has only failed', async () => {
    gitlab = new FakeGitLab('t');
    await gitlab.start();
    await new GitLabReporter({ project: 'g/p', token: 't', baseUrl: gitlab.baseUrl, retry: FAST_RETRY }).report(SHA, [makeStatus('apps', 'sync', 'error', 'remote unreachable')]);
    assert.deepEqual(gitlab.requests[0].body, { state: 'failed', name: 'meshplane/apps/sync', description: 'error: remote unreachable' });
  });

  it('does not retry a 401 and names the fix', async () => {
    gitlab = new FakeGitLab('t');
    await gitlab.start();
    const reporter = new GitLabReporter({ project: 'g/p', token: 'bad', baseUrl: gitlab.baseUrl, retry: FAST_RETRY });
    await assert.rejects(reporter.report(SHA, statuses.slice(0, 1)), /GitLab refused the commit status \(HTTP 401: .*\) after 1 attempt\. Check that the token/);
    assert.equal(gitlab.requests.length, 1);
  });

  it('reports an unreachable server after retrying', async () => {
    gitlab = new FakeGitLab('t');
    await gitlab.start();
    const url = gitlab.baseUrl;
    await gitlab.stop();
    const reporter = new GitLabReporter({ project: 'g/p', token: 't', baseUrl: url, retry: FAST_RETRY });
    await assert.rejects(reporter.report(SHA, statuses.slice(0, 1)), /no response: .*after 4 attempts/);
  });
});
