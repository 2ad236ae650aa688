// `nextToken` of the List* operations: opaque to clients (base64url of the position), checked on
// the way back so that a token of another list or a made-up one is a BadRequestException, as App
// Mesh answered, and never an exception.
import { badRequest } from './api-error';

/** App Mesh's page size when `limit` is not given. */
export const DEFAULT_PAGE_SIZE = 100;

interface Position {
  /** The operation and scope the token belongs to (ListRoutes of apps/serviceB). */
  list: string;
  /** The last key (or index) the previous page ended with. */
  after: string;
}

export function encodePageToken(list: string, after: string): string {
  return Buffer.from(JSON.stringify({ list, after } satisfies Position)).toString('base64url');
}

export function decodePageToken(list: string, token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    position = undefined;
  }
  const p = position as Partial<Position> | undefined;
  if (!p || typeof p !== 'object' || p.list !== list || typeof p.after !== 'string') {
    throw badRequest('The nextToken is not valid for this request: pass the nextToken of the previous page of the same list, unchanged.');
  }
  return p.after;
}

/** One page of `items` (sorted by `keyOf`) after the token's position. */
export function page<T>(list: string, items: readonly T[], keyOf: (item: T) => string, limit: number | undefined, token: string | undefined): { items: T[]; nextToken?: string } {
  const after = decodePageToken(list, token);
  const start = after === undefined ? 0 : items.findIndex((item) => keyOf(item) > after);
  const from = start < 0 ? items.length : start;
  const size = limit ?? DEFAULT_PAGE_SIZE;
  const slice = items.slice(from, from + size);
  const more = from + size < items.length;
  return more ? { items: slice, nextToken: encodePageToken(list, keyOf(slice[slice.length - 1])) } : { items: slice };
}
