// Where `--post` sends the review: coordinates from flags, else from the variables GitHub
// Actions, Gitea Actions and GitLab CI set on pull/merge-request pipelines; tokens only from
// environment variables (never flags, so they stay out of process listings and logs).
import * as fs from 'node:fs';
import { missingCoordinate, missingToken } from './errors';
import { GitHubTarget } from './post-github';
import { GitLabTarget } from './post-gitlab';

export type Forge = 'github' | 'gitea' | 'gitlab';

export const TOKEN_VARIABLES: Record<Forge, string> = { github: 'GITHUB_TOKEN', gitea: 'GITEA_TOKEN', gitlab: 'GITLAB_TOKEN' };
export const GITHUB_API_URL = 'https://api.github.com';
export const GITLAB_API_URL = 'https://gitlab.com/api/v4';

export interface PostFlags {
  post: Forge;
  /** Pull/merge request number (IID on GitLab). */
  pr?: string;
  /** `owner/name` (GitHub, Gitea) or a project ID / `group/project` (GitLab). */
  project?: string;
  apiUrl?: string;
}

export type PostTarget = { forge: 'github' | 'gitea'; target: GitHubTarget } | { forge: 'gitlab'; target: GitLabTarget };

function positiveInteger(value: string | undefined): number | undefined {
  return value !== undefined && /^[1-9][0-9]*$/.test(value) ? Number(value) : undefined;
}

/** The pull_request payload of the Actions event (GITHUB_EVENT_PATH), when there is one. */
function pullRequestEvent(variables: NodeJS.ProcessEnv): { number?: number; head?: { sha?: string } } | undefined {
  const file = variables.GITHUB_EVENT_PATH;
  if (!file || !fs.existsSync(file)) return undefined;
  try {
    const event = JSON.parse(fs.readFileSync(file, 'utf8')) as { pull_request?: { number?: number; head?: { sha?: string } } };
    return event.pull_request;
  } catch {
    return undefined;
  }
}

/**
 * The target to post to. `headCommit` is the commit reviewed; on GitHub the check run goes on the
 * pull request's head commit from the event payload when there is one (Actions checks out a
 * merge commit for pull requests, which the pull request does not show checks of).
 */
export function resolvePostTarget(flags: PostFlags, variables: NodeJS.ProcessEnv, headCommit: string): PostTarget {
  const token = variables[TOKEN_VARIABLES[flags.post]];
  const forgeName = flags.post === 'github' ? 'GitHub' : flags.post === 'gitea' ? 'Gitea' : 'GitLab';
  if (!token) throw missingToken(forgeName, TOKEN_VARIABLES[flags.post]);
  if (flags.post === 'gitlab') {
    const project = flags.project ?? variables.CI_PROJECT_ID;
    if (!project) throw missingCoordinate('the GitLab project', '--project <id or group/project>', ['CI_PROJECT_ID']);
    const mergeRequest = positiveInteger(flags.pr ?? variables.CI_MERGE_REQUEST_IID);
    if (mergeRequest === undefined) throw missingCoordinate('the merge request IID (a positive number)', '--pr <iid>', ['CI_MERGE_REQUEST_IID']);
    return { forge: 'gitlab', target: { apiUrl: flags.apiUrl ?? variables.CI_API_V4_URL ?? GITLAB_API_URL, project, mergeRequest, token } };
  }
  const slug = flags.project ?? variables.GITHUB_REPOSITORY;
  const [owner, repo, extra] = (slug ?? '').split('/');
  if (!owner || !repo || extra !== undefined) throw missingCoordinate('the repository as owner/name', '--project <owner/name>', ['GITHUB_REPOSITORY']);
  const event = pullRequestEvent(variables);
  const refNumber = /^refs\/pull\/([0-9]+)\//.exec(variables.GITHUB_REF ?? '')?.[1];
  const pullRequest = positiveInteger(flags.pr ?? (event?.number !== undefined ? String(event.number) : refNumber));
  if (pullRequest === undefined) throw missingCoordinate('the pull request number (a positive number)', '--pr <number>', ['GITHUB_EVENT_PATH (pull_request event)', 'GITHUB_REF (refs/pull/<n>/merge)']);
  const baseUrl = flags.apiUrl ?? variables.GITHUB_API_URL ?? (flags.post === 'github' ? GITHUB_API_URL : undefined);
  if (!baseUrl) throw missingCoordinate('the Gitea API URL', '--api-url https://gitea.example.com/api/v1', ['GITHUB_API_URL']);
  return { forge: flags.post, target: { flavour: flags.post, baseUrl, owner, repo, pullRequest, token, headSha: event?.head?.sha ?? headCommit } };
}

/** The running CI job's page, where the complete review is printed (linked when the comment is shortened). */
export function ciJobUrl(variables: NodeJS.ProcessEnv): string | undefined {
  if (variables.CI_JOB_URL) return variables.CI_JOB_URL;
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: run } = variables;
  return server && repository && run ? `${server}/${repository}/actions/runs/${run}` : undefined;
}
