// The dashboard's optional bearer token (MESHPLANE_DASHBOARD_TOKEN). Scripts send
// `Authorization: Bearer <token>`; a browser opens `/dashboard?token=<token>` once and keeps it
// in an HttpOnly, SameSite=Strict cookie, so pages, scripts and the event stream need nothing else.
import { timingSafeEqual } from 'node:crypto';
import { IncomingMessage } from 'node:http';

export const TOKEN_VARIABLE = 'MESHPLANE_DASHBOARD_TOKEN';
export const TOKEN_COOKIE = 'meshplane_dashboard';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Whether the request carries the token (always true when no token is configured). */
export function authorized(request: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const header = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
  if (header && same(header[1].trim(), token)) return true;
  const fromCookie = cookie(request, TOKEN_COOKIE);
  return fromCookie !== undefined && same(fromCookie, token);
}

/** `?token=` on a page request: the value when it is the right token. */
export function tokenFromQuery(request: IncomingMessage, token: string | undefined): boolean {
  if (!token) return false;
  const given = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
  return given !== null && same(given, token);
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}
