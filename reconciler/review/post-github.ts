// Posting the review to a GitHub or Gitea pull request through @octokit/rest (Gitea serves the
// same issue-comments API under /api/v1): the comment carrying the hidden marker is edited in
// place, or created on the first push; on GitHub a check run carries every finding as an
// annotation on its line (the API takes 50 annotations per request).
import type { Octokit } from '@octokit/rest' with { 'resolution-mode': 'import' };
import { postFailed } from './errors';
import { Finding } from './findings';
import { REVIEW_MARKER } from './format-markdown';

export interface GitHubTarget {
  flavour: 'github' | 'gitea';
  /** https://api.github.com, https://ghe.example.com/api/v3, https://gitea.example.com/api/v1. */
  baseUrl: string;
  owner: string;
  repo: string;
  pullRequest: number;
  token: string;
  /** The pull request's head commit: where the check run (GitHub only) is attached. */
  headSha: string;
}

export interface PostResult {
  comment: { action: 'created' | 'updated'; id: number; url?: string };
  checkRun?: { id: number; annotations: number };
}

export const CHECK_RUN_NAME = 'meshplane review';
/** GitHub accepts at most 50 annotations per check-run request. */
export const ANNOTATIONS_PER_REQUEST = 50;

const LEVEL: Record<Finding['severity'], 'failure' | 'warning' | 'notice'> = { error: 'failure', warning: 'warning', info: 'notice' };

function forgeName(target: GitHubTarget): string {
  return target.flavour === 'gitea' ? 'Gitea' : 'GitHub';
}

async function client(target: GitHubTarget): Promise<Octokit> {
  // @octokit/rest is an ES module; this package is CommonJS, so it is loaded with import().
  const { Octokit } = await import('@octokit/rest');
  return new Octokit({
    auth: target.token,
    baseUrl: target.baseUrl.replace(/\/+$/, ''),
    userAgent: 'meshplane',
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
}

async function call<T>(target: GitHubTarget, action: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const failure = error as { status?: number; message?: string };
    throw postFailed(forgeName(target), action, typeof failure.status === 'number' ? failure.status : undefined, failure.message ?? String(error));
  }
}

export async function postToGitHub(target: GitHubTarget, body: string, findings: readonly Finding[]): Promise<PostResult> {
  const octokit = await client(target);
  const where = { owner: target.owner, repo: target.repo };
  const comments = await call(target, `list the comments of pull request #${target.pullRequest}`, () =>
    octokit.paginate(octokit.rest.issues.listComments, { ...where, issue_number: target.pullRequest, per_page: 100 }),
  );
  const previous = comments.find((c) => typeof c.body === 'string' && c.body.includes(REVIEW_MARKER));
  let comment: PostResult['comment'];
  if (previous) {
    const { data } = await call(target, `update comment ${previous.id}`, () => octokit.rest.issues.updateComment({ ...where, comment_id: previous.id, body }));
    comment = { action: 'updated', id: data.id, url: data.html_url };
  } else {
    const { data } = await call(target, `comment on pull request #${target.pullRequest}`, () =>
      octokit.rest.issues.createComment({ ...where, issue_number: target.pullRequest, body }),
    );
    comment = { action: 'created', id: data.id, url: data.html_url };
  }
  if (target.flavour === 'gitea') return { comment };
  return { comment, checkRun: await createCheckRun(octokit, target, findings) };
}

function checkOutput(findings: readonly Finding[]): { title: string; summary: string } {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const title = errors > 0 ? `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}` : warnings > 0 ? `valid, ${warnings} warning${warnings === 1 ? '' : 's'}` : 'valid';
  return { title, summary: `meshplane validated the head and planned the change: ${title}. The plan and each proxy's Envoy diff are in the pull-request comment.` };
}

async function createCheckRun(octokit: Octokit, target: GitHubTarget, findings: readonly Finding[]): Promise<PostResult['checkRun']> {
  const where = { owner: target.owner, repo: target.repo };
  const annotations = findings.map((f) => ({
    path: f.anchor.file,
    start_line: f.anchor.line,
    end_line: f.anchor.line,
    start_column: f.anchor.column,
    end_column: f.anchor.column,
    annotation_level: LEVEL[f.severity],
    title: `${f.code} (${f.environment})`,
    message: f.message,
  }));
  const batches: (typeof annotations)[] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const output = checkOutput(findings);
  const { data } = await call(target, 'create the check run', () =>
    octokit.rest.checks.create({
      ...where,
      name: CHECK_RUN_NAME,
      head_sha: target.headSha,
      status: 'completed',
      conclusion: findings.some((f) => f.severity === 'error') ? 'failure' : 'success',
      output: { ...output, annotations: batches[0] ?? [] },
    }),
  );
  // Later batches are appended by updating the run with more annotations.
  for (const batch of batches.slice(1)) {
    await call(target, `add annotations to check run ${data.id}`, () => octokit.rest.checks.update({ ...where, check_run_id: data.id, output: { ...output, annotations: batch } }));
  }
  return { id: data.id, annotations: annotations.length };
}
