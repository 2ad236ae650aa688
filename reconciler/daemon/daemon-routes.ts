// The daemon's own HTTP endpoints, mounted beside the xDS introspection and the registry API:
//
//   GET  /healthz              the process is up (503 while stopping)
//   GET  /readyz               every environment serves something (503 with the reasons otherwise)
//   GET  /metrics              Prometheus metrics
//   GET  /api/environments     live commit, reconcile in progress, last result, sync, drift
//   GET  /api/commits/:sha     the statuses of a commit (full SHA or prefix)
//   GET  /commits/:sha         the commit statuses' target URL: redirects to the dashboard's commit view
//   GET  /                     redirects to the dashboard
//   POST /hooks/git            push webhooks (GitHub, Gitea, GitLab)
import { HttpRouter, sendJson } from '../http/router';
import { CommitStatuses } from '../status/status';
import { createWebhookHandler, WEBHOOK_PATH, WebhookOptions } from '../webhook';
import { EnvironmentView } from './environment-view';

export interface DaemonView {
  healthy(): boolean;
  readiness(): { ready: boolean; reasons: string[] };
  metrics(): Promise<{ contentType: string; body: string }>;
  environments(): EnvironmentView[];
  source(): unknown;
  /** Statuses of a commit the daemon set, or read from git notes; undefined when none. */
  commit(sha: string): Promise<CommitStatuses | undefined>;
  webhook: WebhookOptions;
}

export function daemonRoutes(view: DaemonView): HttpRouter {
  const webhook = createWebhookHandler(view.webhook);
  return new HttpRouter()
    .get('/healthz', (_request, response) => sendJson(response, view.healthy() ? 200 : 503, { status: view.healthy() ? 'ok' : 'stopping' }))
    .get('/readyz', (_request, response) => {
      const readiness = view.readiness();
      sendJson(response, readiness.ready ? 200 : 503, readiness);
    })
    .get('/metrics', async (_request, response) => {
      const { contentType, body } = await view.metrics();
      response.writeHead(200, { 'content-type': contentType }).end(body);
    })
    .get('/api/environments', (_request, response) => sendJson(response, 200, { source: view.source(), environments: view.environments() }))
    .get('/api/commits/:sha', async (_request, response, params) => {
      const statuses = await view.commit(params.sha);
      if (!statuses) return sendJson(response, 404, { error: `no meshplane statuses for commit ${params.sha}: the daemon has not reconciled it (or it is not on the tracked branch).` });
      sendJson(response, 200, statuses);
    })
    .get('/commits/:sha', (_request, response, params) => {
      response.writeHead(302, { location: `/dashboard#/commits/${encodeURIComponent(params.sha)}` }).end();
    })
    .get('/', (_request, response) => {
      response.writeHead(302, { location: '/dashboard' }).end();
    })
    .add('POST', WEBHOOK_PATH, (request, response) => webhook(request, response));
}
