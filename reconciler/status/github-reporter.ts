// GitHub and Gitea commit statuses (Gitea implements GitHub's statuses API): one
// POST /repos/{owner}/{repo}/statuses/{sha} per context through @octokit/rest, pointed at the
// forge's API with baseUrl, retried on 5xx and network failures with backoff.
import type { Octokit } from '@octokit/rest' with { 'resolution-mode': 'import' };
import { hostedFailure } from './errors';
import { StatusReporter, TokenSource, tokenValue } from './reporter';
import { Attempt, DEFAULT_RETRY, RetryOptions, withRetry } from './retry';
import { Status } from './status';

export const GITHUB_API = 'https://api.github.com';

export interface GitHubReporterOptions {
  /** `github` or `gitea` (they differ only in baseUrl and in how errors are named). */
  flavour: 'github' | 'gitea';
  owner: string;
  repo: string;
  token: TokenSource;
  /** https://api.github.com, https://ghe.example.com/api/v3, https://gitea.example.com/api/v1. */
  baseUrl: string;
  retry?: RetryOptions;
  userAgent?: string;
}

export class GitHubReporter implements StatusReporter {
  readonly name: string;
  private client: { token: string; octokit: Promise<Octokit> } | undefined;

  constructor(private readonly options: GitHubReporterOptions) {
    this.name = options.flavour;
  }

  async report(commit: string, statuses: readonly Status[]): Promise<void> {
    const octokit = await this.octokit();
    for (const status of statuses) {
      const { result, attempts } = await withRetry(this.options.retry ?? DEFAULT_RETRY, () => this.post(octokit, commit, status));
      if (!result.ok) throw hostedFailure(this.name === 'gitea' ? 'Gitea' : 'GitHub', result.status, result.detail, attempts);
    }
  }

  private async post(octokit: Octokit, sha: string, status: Status): Promise<Attempt<void>> {
    try {
      await octokit.rest.repos.createCommitStatus({
        owner: this.options.owner,
        repo: this.options.repo,
        sha,
        state: status.state,
        context: status.context,
        description: status.description,
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      });
      return { ok: true, value: undefined };
    } catch (error) {
      const failure = error as { status?: number; message?: string };
      // Octokit reports a request that got no response at all with status 500.
      const status = typeof failure.status === 'number' ? failure.status : undefined;
      return { ok: false, transient: status === undefined || status >= 500, status, detail: failure.message ?? String(error) };
    }
  }

  /** One client per token value: a rotated token gets a new one. */
  private async octokit(): Promise<Octokit> {
    const token = await tokenValue(this.options.token);
    if (this.client?.token === token) return this.client.octokit;
    // @octokit/rest is an ES module; this package is CommonJS, so it is loaded with import().
    const octokit = import('@octokit/rest').then(
      ({ Octokit }) =>
        new Octokit({
          auth: token,
          baseUrl: this.options.baseUrl.replace(/\/+$/, ''),
          userAgent: this.options.userAgent ?? 'meshplane',
          log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
        }),
    );
    this.client = { token, octokit };
    return octokit;
  }
}
