// Posting the review to a GitLab merge request through the REST API (v4): the note carrying the
// hidden marker is edited in place, or created on the first push. Findings reach the diff
// through the code-quality report the job saves as an artifact (code-quality.ts).
import { postFailed } from './errors';
import { REVIEW_MARKER } from './format-markdown';
import { PostResult } from './post-github';

export interface GitLabTarget {
  /** https://gitlab.com/api/v4 (CI_API_V4_URL in a pipeline); `/api/v4` is added when missing. */
  apiUrl: string;
  /** Numeric ID or `group/project`. */
  project: string;
  mergeRequest: number;
  token: string;
}

interface Note {
  id: number;
  body: string;
  system?: boolean;
}

function notesUrl(target: GitLabTarget, suffix = ''): string {
  const base = target.apiUrl.replace(/\/+$/, '');
  const api = /\/api\/v4$/.test(base) ? base : `${base}/api/v4`;
  return `${api}/projects/${encodeURIComponent(target.project)}/merge_requests/${target.mergeRequest}/notes${suffix}`;
}

async function request<T>(target: GitLabTarget, action: string, url: string, init: RequestInit = {}): Promise<{ data: T; response: Response }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { 'PRIVATE-TOKEN': target.token, accept: 'application/json', 'content-type': 'application/json' } });
  } catch (error) {
    throw postFailed('GitLab', action, undefined, (error as Error).message);
  }
  const text = await response.text();
  if (!response.ok) throw postFailed('GitLab', action, response.status, text.slice(0, 300) || response.statusText);
  return { data: JSON.parse(text) as T, response };
}

/** Every note of the merge request, following GitLab's page headers. */
async function listNotes(target: GitLabTarget): Promise<Note[]> {
  const notes: Note[] = [];
  let page = '1';
  while (page) {
    const { data, response } = await request<Note[]>(target, `list the notes of merge request !${target.mergeRequest}`, notesUrl(target, `?per_page=100&page=${page}&sort=asc&order_by=created_at`));
    notes.push(...data);
    page = response.headers.get('x-next-page') ?? '';
  }
  return notes;
}

export async function postToGitLab(target: GitLabTarget, body: string): Promise<PostResult> {
  const previous = (await listNotes(target)).find((n) => !n.system && n.body.includes(REVIEW_MARKER));
  if (previous) {
    const { data } = await request<Note>(target, `update note ${previous.id}`, notesUrl(target, `/${previous.id}`), { method: 'PUT', body: JSON.stringify({ body }) });
    return { comment: { action: 'updated', id: data.id } };
  }
  const { data } = await request<Note>(target, `comment on merge request !${target.mergeRequest}`, notesUrl(target), { method: 'POST', body: JSON.stringify({ body }) });
  return { comment: { action: 'created', id: data.id } };
}
