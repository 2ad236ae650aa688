// A fake of GitLab's merge-request notes API (v4): paged list with x-next-page, create and
// update, authenticated with a PRIVATE-TOKEN header.
import { FakeHttpServer, FakeReply, RecordedRequest } from './fake-http-server';

export interface FakeNote {
  id: number;
  body: string;
  system: boolean;
  author: { username: string };
}

const MAX_NOTE = 1_000_000;

export class FakeGitLabNotes extends FakeHttpServer {
  /** Notes per `<project>!<iid>`. */
  readonly notes = new Map<string, FakeNote[]>();
  pageSize = 100;
  private nextId = 500;

  constructor(private readonly token: string) {
    super();
  }

  get apiUrl(): string {
    return `${this.origin}/api/v4`;
  }

  addNote(project: string, iid: number, body: string, options: { system?: boolean; username?: string } = {}): FakeNote {
    const note = { id: this.nextId++, body, system: options.system ?? false, author: { username: options.username ?? 'someone' } };
    this.notesOf(project, iid).push(note);
    return note;
  }

  notesOf(project: string, iid: number): FakeNote[] {
    const key = `${project}!${iid}`;
    let list = this.notes.get(key);
    if (!list) this.notes.set(key, (list = []));
    return list;
  }

  protected reply(request: RecordedRequest): FakeReply {
    if (request.headers['private-token'] !== this.token) return { status: 401, body: { message: '401 Unauthorized' } };
    const url = new URL(request.path, 'http://fake');
    const match = /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/([0-9]+)\/notes(?:\/([0-9]+))?$/.exec(url.pathname);
    if (!match) return { status: 404, body: { message: '404 Not Found' } };
    const project = decodeURIComponent(match[1]);
    const iid = Number(match[2]);
    const list = this.notesOf(project, iid);
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (match[3] === undefined && request.method === 'GET') {
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 20), this.pageSize);
      const page = Number(url.searchParams.get('page') ?? 1);
      const more = page * perPage < list.length;
      return { status: 200, body: list.slice((page - 1) * perPage, page * perPage), headers: { 'x-next-page': more ? String(page + 1) : '', 'x-page': String(page) } };
    }
    const invalid = typeof body.body !== 'string' || body.body === '' ? 'body is missing' : (body.body as string).length > MAX_NOTE ? 'Note is too long' : undefined;
    if (match[3] === undefined && request.method === 'POST') {
      if (invalid) return { status: 400, body: { message: invalid } };
      return { status: 201, body: this.addNote(project, iid, String(body.body), { username: 'meshplane-bot' }) };
    }
    if (match[3] !== undefined && request.method === 'PUT') {
      const note = list.find((n) => n.id === Number(match[3]));
      if (!note) return { status: 404, body: { message: '404 Note Not Found' } };
      if (invalid) return { status: 400, body: { message: invalid } };
      note.body = String(body.body);
      return { status: 200, body: note };
    }
    return { status: 405, body: { message: '405 Method Not Allowed' } };
  }
}
