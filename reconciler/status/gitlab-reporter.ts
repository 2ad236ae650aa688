// GitLab commit statuses: POST /api/v4/projects/:id/statuses/:sha with a PRIVATE-TOKEN header,
// one per context (GitLab calls the context `name`), retried on 5xx and network failures.
import { hostedFailure } from './errors';
import { StatusReporter, TokenSource, tokenValue } from './reporter';
import { Attempt, DEFAULT_RETRY, RetryOptions, withRetry } from './retry';
import { Status, StatusState } from './status';

export const GITLAB_URL = 'https://gitlab.com';

export interface GitLabReporterOptions {
  /** `group/project` or the numeric project ID. */
  project: string;
  token: TokenSource;
  /** The GitLab instance (https://gitlab.com); `/api/v4` is added unless present. */
  baseUrl: string;
  retry?: RetryOptions;
}

/** GitLab has no `error` or `failure`: both are `failed` (the description says which). */
const GITLAB_STATES: Record<StatusState, string> = { pending: 'pending', success: 'success', failure: 'failed', error: 'failed' };

export class GitLabReporter implements StatusReporter {
  readonly name = 'gitlab';

  constructor(private readonly options: GitLabReporterOptions) {}

  async report(commit: string, statuses: readonly Status[]): Promise<void> {
    const token = await tokenValue(this.options.token);
    for (const status of statuses) {
      const { result, attempts } = await withRetry(this.options.retry ?? DEFAULT_RETRY, () => this.post(commit, status, token));
      if (!result.ok) throw hostedFailure('GitLab', result.status, result.detail, attempts);
    }
  }

  statusUrl(commit: string): string {
    const base = this.options.baseUrl.replace(/\/+$/, '');
    const api = /\/api\/v4$/.test(base) ? base : `${base}/api/v4`;
    return `${api}/projects/${encodeURIComponent(this.options.project)}/statuses/${commit}`;
  }

  private async post(commit: string, status: Status, token: string): Promise<Attempt<void>> {
    const body = {
      state: GITLAB_STATES[status.state],
      name: status.context,
      description: status.state === 'error' ? `error: ${status.description}`.slice(0, 255) : status.description,
      ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
    };
    let response: Response;
    try {
      response = await fetch(this.statusUrl(commit), {
        method: 'POST',
        headers: { 'PRIVATE-TOKEN': token, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (error) {
      return { ok: false, transient: true, detail: (error as Error).message };
    }
    const text = await response.text();
    if (response.ok) return { ok: true, value: undefined };
    // Setting the state a commit already has is refused as a transition; it is where we want it.
    if (response.status === 400 && /cannot transition status/i.test(text)) return { ok: true, value: undefined };
    return { ok: false, transient: response.status >= 500, status: response.status, detail: text.slice(0, 300) || response.statusText };
  }
}
