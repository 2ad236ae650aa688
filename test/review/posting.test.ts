// Posting the review against fakes of the GitHub, Gitea and GitLab APIs (real local HTTP servers
// that record every request): the comment is created on the first push and edited in place on
// the next, found by its marker across pages; check-run annotations go 50 per request; a failure
// to post still prints the review.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runReview, ReviewCommandOptions } from '../../reconciler/cli/commands/review';
import { Finding, postToGitHub, REVIEW_MARKER } from '../../reconciler/review';
import { FakeGitHubPulls } from '../fakes/fake-github-pulls';
import { FakeGitLabNotes } from '../fakes/fake-gitlab-notes';
import { captureTerminal } from '../helpers/capture-terminal';
import { makeReviewRepo, ReviewRepo } from './review-repo';

const TOKEN = 'test-token-123';

describe('meshplane review --post', function () {
  this.timeout(60_000);
  let fixture: ReviewRepo;

  before(() => {
    fixture = makeReviewRepo();
  });
  after(() => fixture.repo.remove());

  async function review(head: string, options: Partial<ReviewCommandOptions>, variables: NodeJS.ProcessEnv) {
    const terminal = captureTerminal();
    const code = await runReview({ base: 'main', head, repo: fixture.dir, format: 'markdown', codeQuality: path.join(fixture.dir, 'out', 'quality.json'), ...options }, terminal, variables);
    return { code, stdout: terminal.stdout, stderr: terminal.stderr };
  }

  describe('GitHub', () => {
    const github = new FakeGitHubPulls(TOKEN, 'acme', 'mesh');
    let variables: NodeJS.ProcessEnv;
    before(async () => {
      await github.start();
      github.pageSize = 2;
      github.addComment(7, 'Looks good to me');
      github.addComment(7, 'Can we ship this today?');
      github.addComment(7, 'Waiting for the review');
      const eventFile = path.join(fixture.dir, 'event.json');
      fs.writeFileSync(eventFile, JSON.stringify({ pull_request: { number: 7, head: { sha: fixture.commits['weight-change'] } } }));
      variables = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/mesh', GITHUB_API_URL: github.baseUrl, GITHUB_EVENT_PATH: eventFile };
    });
    after(() => github.stop());

    it('creates the comment on the first push, after reading every page of comments, and a check run on the head commit', async () => {
      github.requests.length = 0;
      const result = await review('weight-change', { post: 'github' }, variables);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(
        github.requests.map((r) => `${r.method} ${r.path}`),
        [
          'GET /repos/acme/mesh/issues/7/comments?per_page=100',
          'GET /repos/acme/mesh/issues/7/comments?per_page=100&page=2',
          'POST /repos/acme/mesh/issues/7/comments',
          'POST /repos/acme/mesh/check-runs',
        ],
      );
      for (const request of github.requests) assert.equal(request.headers.authorization, `token ${TOKEN}`);
      const comments = github.comments.get(7)!;
      assert.equal(comments.length, 4);
      assert.equal(comments[3].body, result.stdout, 'the comment is exactly the printed review');
      assert.ok(comments[3].body.startsWith(REVIEW_MARKER));
      assert.match(result.stderr, /review comment created on pull request #7/);
      assert.equal(github.checkRuns.length, 1);
      assert.deepEqual(
        { name: github.checkRuns[0].name, sha: github.checkRuns[0].head_sha, conclusion: github.checkRuns[0].conclusion, annotations: github.checkRuns[0].annotations.length },
        { name: 'meshplane review', sha: fixture.commits['weight-change'], conclusion: 'success', annotations: 0 },
      );
    });

    it('updates that comment in place on the next push (found by its marker on page 2), with the findings as check-run annotations', async () => {
      github.addComment(7, 'A reply after the review');
      github.requests.length = 0;
      const result = await review('deleted-node', { post: 'github' }, variables);
      assert.equal(result.code, 1, 'the head has errors');
      assert.deepEqual(
        github.requests.map((r) => `${r.method} ${r.path.replace(/[0-9]{4,}/, '<id>')}`),
        [
          'GET /repos/acme/mesh/issues/7/comments?per_page=100',
          'GET /repos/acme/mesh/issues/7/comments?per_page=100&page=2',
          'GET /repos/acme/mesh/issues/7/comments?per_page=100&page=3',
          'PATCH /repos/acme/mesh/issues/comments/<id>',
          'POST /repos/acme/mesh/check-runs',
        ],
      );
      const comments = github.comments.get(7)!;
      assert.equal(comments.length, 5, 'no second review comment');
      assert.equal(comments[3].body, result.stdout);
      assert.match(comments[3].body, /PLAN-IN-USE/);
      assert.match(result.stderr, /review comment updated on pull request #7/);
      const run = github.checkRuns[1];
      assert.equal(run.conclusion, 'failure');
      assert.deepEqual(
        run.annotations.map((a) => [a.path, a.annotation_level, String(a.title).split(' ')[0]]).sort(),
        [
          ['environments/apps/routing.yaml', 'failure', 'PLAN-IN-USE'],
          ['environments/apps/routing.yaml', 'failure', 'R6'],
        ],
      );
      assert.ok(run.annotations.every((a) => Number(a.start_line) >= 1 && a.start_line === a.end_line));
    });

    it('sends check-run annotations 50 per request', async () => {
      github.requests.length = 0;
      const findings: Finding[] = Array.from({ length: 120 }, (_, i) => ({
        code: 'R6',
        severity: i % 2 === 0 ? 'error' : 'warning',
        message: `finding ${i}`,
        file: 'environments/apps/routing.yaml',
        line: i + 1,
        column: 3,
        pointer: '',
        environment: 'apps',
        anchor: { file: 'environments/apps/routing.yaml', line: i + 1, column: 3 },
      }));
      const result = await postToGitHub(
        { flavour: 'github', baseUrl: github.baseUrl, owner: 'acme', repo: 'mesh', pullRequest: 8, token: TOKEN, headSha: fixture.commits.main },
        `${REVIEW_MARKER}\nmany findings`,
        findings,
      );
      assert.equal(result.checkRun?.annotations, 120);
      const checkRequests = github.requests.filter((r) => r.path.includes('/check-runs'));
      assert.deepEqual(
        checkRequests.map((r) => `${r.method} ${((r.body as any).output.annotations as unknown[]).length}`),
        ['POST 50', 'PATCH 50', 'PATCH 20'],
      );
      const run = github.checkRuns.find((r) => r.id === result.checkRun!.id)!;
      assert.deepEqual(
        run.annotations.map((a) => a.message),
        findings.map((f) => f.message),
      );
      assert.deepEqual(
        [...new Set(run.annotations.map((a) => a.annotation_level))].sort(),
        ['failure', 'warning'],
      );
    });

    it('prints the review even when posting fails, and says why (exit 1)', async () => {
      github.failures = [502, 502, 502];
      const result = await review('weight-change', { post: 'github' }, variables);
      github.failures = [];
      assert.equal(result.code, 1);
      assert.ok(result.stdout.startsWith(REVIEW_MARKER));
      assert.match(result.stderr, /the review was not posted.*GitHub refused to list the comments of pull request #7 \(HTTP 502/);
    });

    it('names the missing token variable and still prints the review', async () => {
      const result = await review('weight-change', { post: 'github' }, { ...variables, GITHUB_TOKEN: undefined });
      assert.equal(result.code, 1);
      assert.ok(result.stdout.startsWith(REVIEW_MARKER));
      assert.match(result.stderr, /needs a token in the environment variable GITHUB_TOKEN/);
    });
  });

  describe('Gitea', () => {
    const gitea = new FakeGitHubPulls(TOKEN, 'acme', 'mesh', '/api/v1');
    before(() => gitea.start());
    after(() => gitea.stop());

    it('creates then updates the comment under /api/v1, without check runs (Gitea has none)', async () => {
      const variables = { GITEA_TOKEN: TOKEN };
      const options = { post: 'gitea' as const, pr: '3', project: 'acme/mesh', apiUrl: gitea.baseUrl };
      assert.equal((await review('new-route', options, variables)).code, 0);
      assert.equal((await review('tls-change', options, variables)).code, 0);
      assert.deepEqual(
        gitea.requests.map((r) => `${r.method} ${r.path.replace(/[0-9]{4,}/, '<id>')}`),
        [
          'GET /api/v1/repos/acme/mesh/issues/3/comments?per_page=100',
          'POST /api/v1/repos/acme/mesh/issues/3/comments',
          'GET /api/v1/repos/acme/mesh/issues/3/comments?per_page=100',
          'PATCH /api/v1/repos/acme/mesh/issues/comments/<id>',
        ],
      );
      const comments = gitea.comments.get(3)!;
      assert.equal(comments.length, 1);
      assert.match(comments[0].body, /transport_socket/);
    });
  });

  describe('GitLab', () => {
    const gitlab = new FakeGitLabNotes(TOKEN);
    let variables: NodeJS.ProcessEnv;
    before(async () => {
      await gitlab.start();
      gitlab.pageSize = 2;
      gitlab.addNote('42', 5, 'added 1 commit', { system: true });
      gitlab.addNote('42', 5, `mentioned ${REVIEW_MARKER} in a system note`, { system: true });
      gitlab.addNote('42', 5, 'Please add a test');
      variables = { GITLAB_TOKEN: TOKEN, CI_PROJECT_ID: '42', CI_MERGE_REQUEST_IID: '5', CI_API_V4_URL: gitlab.apiUrl };
    });
    after(() => gitlab.stop());

    it('creates the merge-request note, then updates it in place on the next push', async () => {
      const first = await review('weight-change', { post: 'gitlab' }, variables);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stderr, /review comment created on merge request !5/);
      const second = await review('new-route', { post: 'gitlab' }, variables);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stderr, /review comment updated on merge request !5/);
      assert.deepEqual(
        gitlab.requests.map((r) => `${r.method} ${r.path.replace(/notes\/[0-9]+$/, 'notes/<id>')}`),
        [
          'GET /api/v4/projects/42/merge_requests/5/notes?per_page=100&page=1&sort=asc&order_by=created_at',
          'GET /api/v4/projects/42/merge_requests/5/notes?per_page=100&page=2&sort=asc&order_by=created_at',
          'POST /api/v4/projects/42/merge_requests/5/notes',
          'GET /api/v4/projects/42/merge_requests/5/notes?per_page=100&page=1&sort=asc&order_by=created_at',
          'GET /api/v4/projects/42/merge_requests/5/notes?per_page=100&page=2&sort=asc&order_by=created_at',
          'PUT /api/v4/projects/42/merge_requests/5/notes/<id>',
        ],
      );
      for (const request of gitlab.requests) assert.equal(request.headers['private-token'], TOKEN);
      const notes = gitlab.notesOf('42', 5);
      assert.equal(notes.length, 4);
      assert.equal(notes[3].body, second.stdout);
      assert.match(notes[3].body, /serviceB-v2/);
      assert.ok(fs.existsSync(path.join(fixture.dir, 'out', 'quality.json')));
    });

    it('says which coordinate is missing', async () => {
      const result = await review('weight-change', { post: 'gitlab' }, { ...variables, CI_MERGE_REQUEST_IID: undefined });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /posting needs the merge request IID .*--pr <iid> or set CI_MERGE_REQUEST_IID/);
    });
  });
});
