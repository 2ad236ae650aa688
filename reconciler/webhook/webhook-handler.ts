// POST /hooks/git: a forge tells the daemon a branch moved. The delivery is verified against the
// configured secret (and refused when none is configured), a delivery id seen within the replay
// window is refused, and a push to the tracked branch triggers a check of the source at once; the
// reply does not wait for the reconcile.
import { IncomingMessage, ServerResponse } from 'node:http';
import { bodyTooLarge, noSecretConfigured, replayedDelivery, WebhookRefusal, wrongMethod } from './errors';
import { isPush, parsePayload, PushEvent, readPush } from './push-event';
import { DEFAULT_REPLAY_WINDOW_MS, ReplayGuard } from './replay-guard';
import { deliveryId, FORGE_NAMES, identifyDelivery, verifyDelivery } from './verify';

export const WEBHOOK_PATH = '/hooks/git';
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

export interface WebhookOptions {
  /** The shared secret; undefined refuses every delivery with a message saying how to set one. */
  secret: string | undefined;
  /** The tracked branch: pushes to other refs are acknowledged and ignored. */
  branch: string;
  /** Called for a verified push to the tracked branch. */
  onPush(event: PushEvent): void;
  maxBodyBytes?: number;
  /** A delivery id accepted once is refused for this long (default 600 s; operator config webhook.replayWindowSeconds). */
  replayWindowMs?: number;
}

export interface WebhookReply {
  status: number;
  body: { accepted: boolean; message: string; forge?: string; branch?: string; after?: string };
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

export function createWebhookHandler(options: WebhookOptions): RequestHandler {
  const replays = new ReplayGuard(options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS);
  return (request, response) => {
    void handleWebhook(request, options, replays)
      .catch((error: Error): WebhookReply => ({ status: 500, body: { accepted: false, message: `reading the delivery failed: ${error.message}` } }))
      .then((reply) => {
      const body = JSON.stringify(reply.body) + '\n';
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
      if (reply.status === 405) headers.allow = 'POST';
      response.writeHead(reply.status, headers).end(body);
    });
  };
}

export async function handleWebhook(request: IncomingMessage, options: WebhookOptions, replays: ReplayGuard): Promise<WebhookReply> {
  try {
    if (request.method !== 'POST') throw wrongMethod();
    if (!options.secret) {
      request.resume();
      throw noSecretConfigured();
    }
    const body = await readBody(request, options.maxBodyBytes ?? MAX_WEBHOOK_BYTES);
    const delivery = identifyDelivery(request.headers);
    verifyDelivery(delivery.forge, request.headers, body, options.secret);
    const id = deliveryId(delivery.forge, request.headers);
    const forge = FORGE_NAMES[delivery.forge];
    // Only verified deliveries are remembered, so nobody without the secret can fill the memory.
    if (!replays.firstTime(id)) throw replayedDelivery(forge, id.slice(delivery.forge.length + 1), Math.round((options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS) / 1000));
    if (delivery.forge === 'github' && delivery.event === 'ping') {
      return { status: 200, body: { accepted: false, forge, message: 'pong: the webhook reaches meshplane and its secret matches.' } };
    }
    const payload = parsePayload(body, request.headers['content-type']);
    if (!isPush(delivery, payload)) {
      return { status: 200, body: { accepted: false, forge, message: `ignored ${forge} event "${delivery.event}": meshplane acts on push events only.` } };
    }
    const push = readPush(delivery.forge, payload);
    if (push.branch !== options.branch) {
      return { status: 200, body: { accepted: false, forge, message: `ignored push to ${push.ref}: meshplane tracks branch ${options.branch}.` } };
    }
    options.onPush(push);
    return { status: 202, body: { accepted: true, forge, branch: push.branch, after: push.after, message: `push to ${push.branch} accepted: checking the repository now.` } };
  } catch (error) {
    if (error instanceof WebhookRefusal) return { status: error.status, body: { accepted: false, message: error.message } };
    throw error;
  }
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
