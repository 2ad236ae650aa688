// A fake of GitLab's commit status API: POST /api/v4/projects/{id}/statuses/{sha} with a
// PRIVATE-TOKEN header. Like GitLab, it refuses to set the state a status already has.
import { FakeHttpServer, FakeReply, RecordedRequest } from './fake-http-server';

const STATES = ['pending', 'running', 'success', 'failed', 'canceled'];

export class FakeGitLab extends FakeHttpServer {
  readonly statuses: Array<Record<string, unknown>> = [];
  private readonly current = new Map<string, string>();

  constructor(private readonly token: string) {
    super();
  }

  get baseUrl(): string {
    return this.origin;
  }

  protected reply(request: RecordedRequest): FakeReply {
    if (request.headers['private-token'] !== this.token) return { status: 401, body: { message: '401 Unauthorized' } };
    const match = /^\/api\/v4\/projects\/([^/]+)\/statuses\/([0-9a-f]{40})$/.exec(request.path);
    if (request.method !== 'POST' || !match) return { status: 404, body: { message: '404 Not Found' } };
    const body = request.body as Record<string, unknown>;
    const state = String(body?.state);
    if (!STATES.includes(state)) return { status: 400, body: { message: 'state does not have a valid value' } };
    const key = `${decodeURIComponent(match[1])}@${match[2]}:${String(body.name)}`;
    if (this.current.get(key) === state) {
      return { status: 400, body: { message: `Cannot transition status via :${state} from :${state} (Reason(s): Status cannot transition via "${state}")` } };
    }
    this.current.set(key, state);
    const status = { project: decodeURIComponent(match[1]), sha: match[2], ...body };
    this.statuses.push(status);
    return { status: 201, body: { id: this.statuses.length, status: state, ...status } };
  }
}
