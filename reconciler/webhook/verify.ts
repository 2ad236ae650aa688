// Which forge sent a delivery, and whether it carries the shared secret: GitHub signs the body
// with HMAC-SHA256 (`X-Hub-Signature-256: sha256=<hex>`), Gitea likewise (`X-Gitea-Signature:
// <hex>`), GitLab sends the secret itself (`X-Gitlab-Token`). All compares are constant-time.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
import { badSignature, missingDeliveryId, missingSignature, unknownSender } from './errors';

export type Forge = 'github' | 'gitea' | 'gitlab';

export const FORGE_NAMES: Record<Forge, string> = { github: 'GitHub', gitea: 'Gitea', gitlab: 'GitLab' };

export interface Delivery {
  forge: Forge;
  /** The event name as the forge sends it (`push`, `ping`, `Push Hook`). */
  event: string;
}

export function identifyDelivery(headers: IncomingHttpHeaders): Delivery {
  // Gitea also sends X-GitHub-Event for compatibility, so it is recognised first.
  const gitea = header(headers, 'x-gitea-event');
  if (gitea) return { forge: 'gitea', event: gitea };
  const gitlab = header(headers, 'x-gitlab-event');
  if (gitlab) return { forge: 'gitlab', event: gitlab };
  const github = header(headers, 'x-github-event');
  if (github) return { forge: 'github', event: github };
  throw unknownSender();
}

/** The header each forge puts its unique delivery id in. */
export const DELIVERY_ID_HEADERS: Record<Forge, string> = { github: 'X-GitHub-Delivery', gitea: 'X-Gitea-Delivery', gitlab: 'X-Gitlab-Event-UUID' };

/** The delivery's unique id (`<forge>:<id>`); throws a WebhookRefusal when the forge's header is missing. */
export function deliveryId(forge: Forge, headers: IncomingHttpHeaders): string {
  const id = header(headers, DELIVERY_ID_HEADERS[forge].toLowerCase())?.trim();
  if (!id) throw missingDeliveryId(FORGE_NAMES[forge], DELIVERY_ID_HEADERS[forge]);
  return `${forge}:${id}`;
}

/** Throws a WebhookRefusal unless the delivery proves it knows the secret. */
export function verifyDelivery(forge: Forge, headers: IncomingHttpHeaders, body: Buffer, secret: string): void {
  const name = FORGE_NAMES[forge];
  if (forge === 'gitlab') {
    const token = header(headers, 'x-gitlab-token');
    if (token === undefined) throw missingSignature(name, 'X-Gitlab-Token');
    if (!equalSecrets(token, secret)) throw badSignature(name, 'X-Gitlab-Token');
    return;
  }
  const headerName = forge === 'github' ? 'X-Hub-Signature-256' : 'X-Gitea-Signature';
  const given = header(headers, headerName.toLowerCase());
  if (given === undefined) throw missingSignature(name, headerName);
  const digest = createHmac('sha256', secret).update(body).digest('hex');
  const expected = forge === 'github' ? `sha256=${digest}` : digest;
  const a = Buffer.from(given.trim().toLowerCase());
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw badSignature(name, headerName);
}

/** Compares two secrets in time independent of where they differ (and of their lengths). */
function equalSecrets(given: string, secret: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
