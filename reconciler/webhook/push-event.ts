// The part of a push delivery meshplane uses: which branch moved, and to which commit.
import { badPayload } from './errors';
import { Delivery, Forge } from './verify';

export interface PushEvent {
  forge: Forge;
  /** The full ref (`refs/heads/main`, `refs/tags/v1`). */
  ref: string;
  /** The branch name when the ref is a branch. */
  branch?: string;
  /** The commit the ref moved to (all zeros when it was deleted). */
  after?: string;
  /** `owner/name` of the repository, as the forge names it. */
  repository?: string;
}

/** Whether the delivery announces a push (GitLab: `Push Hook`, or a system hook's push). */
export function isPush(delivery: Delivery, payload: Record<string, unknown>): boolean {
  if (delivery.forge === 'gitlab') return delivery.event === 'Push Hook' || payload.object_kind === 'push' || payload.event_name === 'push';
  return delivery.event === 'push';
}

/** Parses the body (JSON, or GitHub's form encoding `payload=<json>`) into a mapping. */
export function parsePayload(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  let text = body.toString('utf8');
  if (/^application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) throw badPayload('a form-encoded body without a payload field');
    text = payload;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badPayload(`invalid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badPayload('the body is not a JSON object');
  return value as Record<string, unknown>;
}

export function readPush(forge: Forge, payload: Record<string, unknown>): PushEvent {
  const ref = payload.ref;
  if (typeof ref !== 'string' || ref.length === 0) throw badPayload('no "ref" in the push payload');
  const after = typeof payload.after === 'string' ? payload.after : undefined;
  const owner = forge === 'gitlab' ? (payload.project as Record<string, unknown> | undefined)?.path_with_namespace : (payload.repository as Record<string, unknown> | undefined)?.full_name;
  return {
    forge,
    ref,
    branch: ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined,
    after,
    repository: typeof owner === 'string' ? owner : undefined,
  };
}
