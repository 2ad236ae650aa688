// A fake of GitHub's (and Gitea's, under /api/v1) commit statuses API:
// POST {prefix}/repos/{owner}/{repo}/statuses/{sha}, authenticated with `Authorization: token <t>`.
import { FakeHttpServer, FakeReply, RecordedRequest } from './fake-http-server';

const STATES = ['pending', 'success', 'failure', 'error'];

export class FakeGitHub extends FakeHttpServer {
  /** Statuses set, in order, as `{sha, context, state, description, target_url}`. */
  readonly statuses: Array<Record<string, unknown>> = [];

  constructor(
    private readonly token: string,
    /** '' for github.com's layout, '/api/v3' for GitHub Enterprise, '/api/v1' for Gitea. */
    private readonly prefix = '',
  ) {
    super();
  }

  get baseUrl(): string {
    return this.origin + this.prefix;
  }

  protected reply(request: RecordedRequest): FakeReply {
    if (request.headers.authorization !== `token ${this.token}`) return { status: 401, body: { message: 'Bad credentials' } };
    const match = new RegExp(`^${this.prefix}/repos/([^/]+)/([^/]+)/statuses/([0-9a-f]{40})$`).exec(request.path);
    if (request.method !== 'POST' || !match) return { status: 404, body: { message: 'Not Found' } };
    const body = request.body as Record<string, unknown>;
    if (!STATES.includes(String(body?.state))) return { status: 422, body: { message: 'Validation Failed: state' } };
    if (typeof body.description === 'string' && body.description.length > 140) return { status: 422, body: { message: 'Validation Failed: description is too long (maximum is 140 characters)' } };
    const status = { sha: match[3], ...body };
    this.statuses.push(status);
    return { status: 201, body: { id: this.statuses.length, url: `${this.baseUrl}${request.path}`, ...status } };
  }
}
