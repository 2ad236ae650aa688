export { SECRET_ENV, WebhookRefusal } from './errors';
export { PushEvent } from './push-event';
export { Forge, FORGE_NAMES } from './verify';
export { createWebhookHandler, handleWebhook, MAX_WEBHOOK_BYTES, RequestHandler, WEBHOOK_PATH, WebhookOptions, WebhookReply } from './webhook-handler';
