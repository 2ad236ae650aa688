// Why the webhook refused a delivery: an HTTP status and a message saying what to fix.

export class WebhookRefusal extends Error {
  override readonly name = 'WebhookRefusal';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const SECRET_ENV = 'MESHPLANE_WEBHOOK_SECRET';

export function noSecretConfigured(): WebhookRefusal {
  return new WebhookRefusal(
    403,
    `webhooks are refused: no webhook secret is configured, so deliveries cannot be verified. Start the daemon with ${SECRET_ENV}=<secret> in its environment or webhook.secret ({ env: NAME } or { file: /path }) in its configuration file, and enter the same secret in the GitHub, Gitea or GitLab webhook settings.`,
  );
}

export function unknownSender(): WebhookRefusal {
  return new WebhookRefusal(
    400,
    'unrecognised webhook: expected a GitHub (X-GitHub-Event), Gitea (X-Gitea-Event) or GitLab (X-Gitlab-Event) delivery. Point a push webhook of one of those at POST /hooks/git.',
  );
}

export function missingSignature(provider: string, header: string): WebhookRefusal {
  return new WebhookRefusal(
    401,
    `${provider} delivery without ${header}: the webhook has no secret set. Enter the daemon's webhook secret in the ${provider} webhook settings.`,
  );
}

export function badSignature(provider: string, header: string): WebhookRefusal {
  return new WebhookRefusal(
    401,
    `${provider} delivery with a ${header} that does not match: the webhook's secret differs from the daemon's. Enter the same secret on both sides.`,
  );
}

export function bodyTooLarge(limit: number): WebhookRefusal {
  return new WebhookRefusal(413, `webhook body exceeds ${limit} bytes; meshplane needs only push events. Send push events only.`);
}

export function badPayload(detail: string): WebhookRefusal {
  return new WebhookRefusal(400, `webhook payload is not a push event meshplane can read (${detail}). Set the webhook's content type to application/json.`);
}

export function wrongMethod(): WebhookRefusal {
  return new WebhookRefusal(405, 'POST a webhook delivery to /hooks/git.');
}

export function missingDeliveryId(provider: string, header: string): WebhookRefusal {
  return new WebhookRefusal(
    400,
    `${provider} delivery without ${header}: meshplane needs each delivery's id to refuse replays. ${provider} sends it on every webhook; check that no proxy in between drops the header.`,
  );
}

export function replayedDelivery(provider: string, id: string, windowSeconds: number): WebhookRefusal {
  return new WebhookRefusal(
    409,
    `${provider} delivery ${JSON.stringify(id.slice(0, 100))} was already received in the last ${windowSeconds} s: a delivery is acted on once (webhook.replayWindowSeconds). Send a new delivery instead of repeating this one.`,
  );
}
