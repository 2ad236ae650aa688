// A fake of the GitHub (and Gitea, under /api/v1) pull-request endpoints meshplane review uses:
// issue comments (paged list with a Link header, create, update) and check runs (create,
// update; at most 50 annotations per request, as GitHub enforces). Gitea has no check runs.
import { FakeHttpServer, FakeReply, RecordedRequest } from './fake-http-server';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string };
  html_url: string;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status?: string;
  conclusion?: string;
  output: { title?: string; summary?: string };
  annotations: Array<Record<string, unknown>>;
}

const MAX_COMMENT = 65_536;
const MAX_ANNOTATIONS = 50;

export class FakeGitHubPulls extends FakeHttpServer {
  /** Comments per pull request number. */
  readonly comments = new Map<number, FakeComment[]>();
  readonly checkRuns: FakeCheckRun[] = [];
  /** Comments per page at most (smaller than the client's per_page to exercise paging). */
  pageSize = 100;
  private nextId = 1000;

  constructor(
    private readonly token: string,
    private readonly owner: string,
    private readonly repo: string,
    /** '' for github.com's layout, '/api/v1' for Gitea. */
    private readonly prefix = '',
    private readonly supportsChecks = prefix === '',
  ) {
    super();
  }

  get baseUrl(): string {
    return this.origin + this.prefix;
  }

  /** A comment already on the pull request (someone else's, or an earlier review). */
  addComment(pullRequest: number, body: string, login = 'someone'): FakeComment {
    const comment = { id: this.nextId++, body, user: { login }, html_url: `https://github.example/pr/${pullRequest}#comment-${this.nextId}` };
    this.commentsOf(pullRequest).push(comment);
    return comment;
  }

  private commentsOf(pullRequest: number): FakeComment[] {
    let list = this.comments.get(pullRequest);
    if (!list) this.comments.set(pullRequest, (list = []));
    return list;
  }

  protected reply(request: RecordedRequest): FakeReply {
    if (request.headers.authorization !== `token ${this.token}`) return { status: 401, body: { message: 'Bad credentials' } };
    const url = new URL(request.path, 'http://fake');
    const repoPath = `${this.prefix}/repos/${this.owner}/${this.repo}`;
    if (!url.pathname.startsWith(`${repoPath}/`)) return notFound();
    const rest = url.pathname.slice(repoPath.length);
    const body = (request.body ?? {}) as Record<string, unknown>;

    let match = /^\/issues\/([0-9]+)\/comments$/.exec(rest);
    if (match && request.method === 'GET') return this.listComments(Number(match[1]), url);
    if (match && request.method === 'POST') {
      const invalid = checkBody(body.body);
      if (invalid) return invalid;
      return { status: 201, body: this.addComment(Number(match[1]), String(body.body), 'meshplane-bot') };
    }
    match = /^\/issues\/comments\/([0-9]+)$/.exec(rest);
    if (match && request.method === 'PATCH') {
      const comment = [...this.comments.values()].flat().find((c) => c.id === Number(match![1]));
      if (!comment) return notFound();
      const invalid = checkBody(body.body);
      if (invalid) return invalid;
      comment.body = String(body.body);
      return { status: 200, body: comment };
    }
    if (!this.supportsChecks) return notFound();
    if (rest === '/check-runs' && request.method === 'POST') {
      if (typeof body.name !== 'string' || !/^[0-9a-f]{40}$/.test(String(body.head_sha))) return { status: 422, body: { message: 'Validation Failed: name and head_sha are required' } };
      const output = (body.output ?? {}) as Record<string, unknown>;
      const annotations = (output.annotations as Array<Record<string, unknown>> | undefined) ?? [];
      if (annotations.length > MAX_ANNOTATIONS) return tooManyAnnotations();
      const run: FakeCheckRun = {
        id: this.nextId++,
        name: body.name,
        head_sha: String(body.head_sha),
        status: body.status as string | undefined,
        conclusion: body.conclusion as string | undefined,
        output: { title: output.title as string, summary: output.summary as string },
        annotations: [...annotations],
      };
      this.checkRuns.push(run);
      return { status: 201, body: { id: run.id, name: run.name, head_sha: run.head_sha, status: run.status, conclusion: run.conclusion } };
    }
    match = /^\/check-runs\/([0-9]+)$/.exec(rest);
    if (match && request.method === 'PATCH') {
      const run = this.checkRuns.find((r) => r.id === Number(match![1]));
      if (!run) return notFound();
      const annotations = (((body.output ?? {}) as Record<string, unknown>).annotations as Array<Record<string, unknown>> | undefined) ?? [];
      if (annotations.length > MAX_ANNOTATIONS) return tooManyAnnotations();
      run.annotations.push(...annotations); // GitHub appends the annotations of each update
      return { status: 200, body: { id: run.id } };
    }
    return notFound();
  }

  private listComments(pullRequest: number, url: URL): FakeReply {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), this.pageSize);
    const page = Number(url.searchParams.get('page') ?? 1);
    const all = this.commentsOf(pullRequest);
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < all.length) {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${this.origin}${next.pathname}${next.search}>; rel="next"`;
    }
    return { status: 200, body: slice, headers };
  }
}

function notFound(): FakeReply {
  return { status: 404, body: { message: 'Not Found' } };
}

function tooManyAnnotations(): FakeReply {
  return { status: 422, body: { message: `Validation Failed: only ${MAX_ANNOTATIONS} annotations are allowed per request` } };
}

function checkBody(body: unknown): FakeReply | undefined {
  if (typeof body !== 'string' || body === '') return { status: 422, body: { message: 'Validation Failed: body is missing' } };
  if (body.length > MAX_COMMENT) return { status: 422, body: { message: `Validation Failed: body is too long (maximum is ${MAX_COMMENT} characters)` } };
  return undefined;
}
