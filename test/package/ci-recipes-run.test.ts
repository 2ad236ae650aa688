// The CI recipes of examples/ci, run: each recipe's own commands, in order, as its CI service
// would run them, on a temporary mesh repository with a pull request (a weight change). meshplane
// is installed by the recipe's install command from this checkout's Git repository at its HEAD
// commit (the recipes pin a commit); the GitHub and GitLab APIs are local fakes. What must come
// out: the review posted to the pull request and the report file the recipe uploads.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { FakeGitHubPulls } from '../fakes/fake-github-pulls';
import { FakeGitLabNotes } from '../fakes/fake-gitlab-notes';
import { npmOffline } from '../helpers/npm-offline';
import { REPO_ROOT } from '../helpers/paths';
import { git, tempDir } from '../helpers/temp-repo';
import { makeReviewRepo, ReviewRepo } from '../review/review-repo';
import { REVIEW_MARKER } from '../../reconciler/review/format-markdown';

const EXAMPLES = path.join(REPO_ROOT, 'examples', 'ci');
const TOKEN = 'ci-recipe-token';
/** A recipe installs meshplane from Git: npm clones, installs and builds it. */
const STEP_MS = 900_000;

interface StepResult {
  code: number;
  output: string;
}

/** Runs one shell script as a CI runner does (bash, exit on the first failing command). */
function runStep(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** The commit the recipes install: this checkout's HEAD, from its Git repository. */
function meshplaneSource(): { MESHPLANE_GIT: string; MESHPLANE_COMMIT: string } | undefined {
  try {
    return { MESHPLANE_GIT: `file://${REPO_ROOT}`, MESHPLANE_COMMIT: git(REPO_ROOT, 'rev-parse', 'HEAD') };
  } catch {
    return undefined;
  }
}

/** The environment a runner gives every step: no meshplane on PATH until the recipe installs it. */
function runnerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR, LANG } = process.env;
  return { PATH, HOME, TMPDIR, LANG, CI: 'true', npm_config_prefer_offline: 'true', ...extra };
}

function skipWhenOffline(context: Mocha.Context, step: StepResult): void {
  if (step.code !== 0 && npmOffline(step.output)) {
    console.log(`      skipped: npm cannot reach the registry to install meshplane's dependencies: ${step.output.split('\n').find((l) => /ERR/.test(l))}`);
    context.skip();
  }
}

describe('CI recipes run (examples/ci, their own commands on a temporary repository)', function () {
  this.timeout(2 * STEP_MS + 60_000);
  const source = meshplaneSource();
  let fixture: ReviewRepo;
  let scratch: string;

  before(function () {
    if (!source) {
      console.log(`      skipped: ${REPO_ROOT} is not a Git repository, and the recipes install meshplane from one`);
      this.skip();
    }
    fixture = makeReviewRepo();
    scratch = tempDir('meshplane-ci-recipe-');
  });

  after(() => {
    fixture?.repo.remove();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('GitHub Actions: installs meshplane from the pinned commit, comments on the pull request, opens a check run and writes the SARIF it uploads', async function () {
    const workflow = parse(fs.readFileSync(path.join(EXAMPLES, 'github-actions.yml'), 'utf8'));
    const github = new FakeGitHubPulls(TOKEN, 'acme', 'mesh');
    await github.start();
    try {
      const [base, head] = [fixture.commits.main, fixture.commits['weight-change']];
      // actions/checkout: the pull request's head, with history (fetch-depth: 0).
      const workspace = path.join(scratch, 'github-workspace');
      git(scratch, 'clone', '-q', fixture.dir, workspace);
      git(workspace, 'checkout', '-q', head);
      const runnerTemp = path.join(scratch, 'runner-temp');
      fs.mkdirSync(runnerTemp);
      const githubPath = path.join(scratch, 'github-path');
      fs.writeFileSync(githubPath, '');
      const eventFile = path.join(scratch, 'event.json');
      fs.writeFileSync(eventFile, JSON.stringify({ pull_request: { number: 12, base: { sha: base }, head: { sha: head } } }));
      const expressions: Record<string, string> = {
        'github.event.pull_request.base.sha': base,
        'github.event.pull_request.head.sha': head,
        'secrets.GITHUB_TOKEN': TOKEN,
      };
      const expand = (text: string) =>
        text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_all, expression: string) => {
          assert.ok(expression in expressions, `the recipe uses \${{ ${expression} }}, which this test does not provide`);
          return expressions[expression];
        });
      let pathEntries: string[] = [];
      for (const step of workflow.jobs.review.steps as Array<Record<string, any>>) {
        if (typeof step.run !== 'string') continue;
        const stepEnv: Record<string, string> = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v))]));
        if ('MESHPLANE_COMMIT' in stepEnv) Object.assign(stepEnv, source);
        const env = runnerEnv({
          ...stepEnv,
          GITHUB_REPOSITORY: 'acme/mesh',
          GITHUB_API_URL: github.baseUrl,
          GITHUB_EVENT_PATH: eventFile,
          GITHUB_PATH: githubPath,
          RUNNER_TEMP: runnerTemp,
        });
        env.PATH = [...pathEntries, env.PATH].join(path.delimiter);
        const result = await runStep(expand(step.run), workspace, env);
        skipWhenOffline(this, result);
        assert.equal(result.code, 0, `step "${step.name ?? step.run}" failed:\n${result.output}`);
        // Actions prepends the lines a step appended to $GITHUB_PATH for the steps after it.
        pathEntries = fs.readFileSync(githubPath, 'utf8').split('\n').filter(Boolean).reverse();
      }
      const comments = github.comments.get(12) ?? [];
      assert.equal(comments.length, 1, 'one review comment on the pull request');
      assert.ok(comments[0].body.startsWith(REVIEW_MARKER));
      assert.match(comments[0].body, /serviceB/);
      assert.equal(github.checkRuns.length, 1);
      assert.equal(github.checkRuns[0].head_sha, head);
      const upload = (workflow.jobs.review.steps as Array<Record<string, any>>).find((s) => String(s.uses).startsWith('github/codeql-action/upload-sarif'))!;
      const sarif = JSON.parse(fs.readFileSync(path.join(workspace, upload.with.sarif_file), 'utf8'));
      assert.equal(sarif.version, '2.1.0');
    } finally {
      await github.stop();
    }
  });

  it('GitLab CI: installs meshplane from the pinned commit, fetches the target branch, notes the merge request and writes the code-quality report', async function () {
    const pipeline = parse(fs.readFileSync(path.join(EXAMPLES, 'gitlab-ci.yml'), 'utf8'));
    const job = pipeline['meshplane-review'];
    const gitlab = new FakeGitLabNotes(TOKEN);
    await gitlab.start();
    try {
      const [base, head] = [fixture.commits.main, fixture.commits['weight-change']];
      // The runner's clone: origin is the project, the merge request's commit checked out.
      const workspace = path.join(scratch, 'gitlab-workspace');
      git(scratch, 'clone', '-q', '--branch', 'weight-change', fixture.dir, workspace);
      git(workspace, 'checkout', '-q', head);
      const env = runnerEnv({
        ...Object.fromEntries(Object.entries(job.variables ?? {}).map(([k, v]) => [k, String(v)])),
        ...source,
        TMPDIR: path.join(scratch, 'gitlab-tmp'),
        GITLAB_TOKEN: TOKEN,
        CI_PIPELINE_SOURCE: 'merge_request_event',
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
        CI_MERGE_REQUEST_DIFF_BASE_SHA: base,
        CI_COMMIT_SHA: head,
        CI_PROJECT_ID: '42',
        CI_MERGE_REQUEST_IID: '5',
        CI_API_V4_URL: gitlab.apiUrl,
      });
      fs.mkdirSync(env.TMPDIR!);
      // GitLab runs the script's lines in one shell, stopping at the first that fails.
      const result = await runStep((job.script as string[]).join('\n'), workspace, env);
      skipWhenOffline(this, result);
      assert.equal(result.code, 0, `the job's script failed:\n${result.output}`);
      assert.ok(execFileSync('git', ['-C', workspace, 'rev-parse', '--verify', 'origin/main'], { encoding: 'utf8' }).trim() === base, 'the target branch was fetched');
      const notes = gitlab.notesOf('42', 5);
      assert.equal(notes.length, 1, 'one review note on the merge request');
      assert.ok(notes[0].body.startsWith(REVIEW_MARKER));
      const report = JSON.parse(fs.readFileSync(path.join(workspace, job.artifacts.reports.codequality), 'utf8'));
      assert.ok(Array.isArray(report), 'a code-quality report is a JSON array');
    } finally {
      await gitlab.stop();
    }
  });
});
