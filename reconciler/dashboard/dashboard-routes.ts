// The operator dashboard on the daemon's HTTP port (read-only):
//
//   GET /dashboard                  the single-page dashboard (overview, commit pages, proxies, graph)
//   GET /dashboard/assets/:file     its scripts and styles, served from the package
//   GET /api/events                 server-sent events: a `snapshot` whenever what it shows changes
//   GET /api/dashboard/snapshot     the same snapshot once (for polling and scripts)
//   GET /api/dashboard/commits/:sha statuses, plans and proxy convergence of a commit
//   GET /api/graph/:env             the live mesh graph (?format=svg|mermaid|dot), NACKing/drifting proxies marked
//
// With MESHPLANE_DASHBOARD_TOKEN set, every one of them needs the token (see auth.ts).
// Names and NACK texts reach it from commits and proxies: its JSON is printable() (control characters
// escaped), and the page escapes HTML in everything it shows (esc() in assets/app.js).
import { IncomingMessage, ServerResponse } from 'node:http';
import { GRAPH_FORMATS, GraphFormat, renderGraph } from '../../provider/graph';
import { printableValue } from '../../provider/text/printable';
import { HttpRouter, RouteHandler, sendJson } from '../http/router';
import { ASSETS_DIR, loadAssets } from './assets';
import { authorized, TOKEN_VARIABLE, tokenCookie, tokenFromQuery } from './auth';
import { commitPlans } from './commit-detail';
import { DashboardSource } from './dashboard-source';
import { dashboardErrors } from './errors';
import { liveGraph } from './live-graph';
import { DashboardSnapshot, LiveState, LiveStateOptions } from './live-state';

export const DASHBOARD_PATH = '/dashboard';
export const EVENTS_PATH = '/api/events';

export interface DashboardOptions extends LiveStateOptions {
  /** Overrides MESHPLANE_DASHBOARD_TOKEN from the source's variables. */
  token?: string;
  /** Heartbeat comment on idle event streams, so proxies in between keep them open. */
  heartbeatMs?: number;
}

const HEADERS = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };

export function dashboardRoutes(source: DashboardSource, options: DashboardOptions = {}): HttpRouter {
  const token = options.token ?? (source.variables[TOKEN_VARIABLE] || undefined);
  const assets = loadAssets();
  const live = new LiveState(source, options);

  const guarded =
    (handler: RouteHandler): RouteHandler =>
    (request, response, params) => {
      if (authorized(request, token)) return handler(request, response, params);
      response.setHeader('www-authenticate', 'Bearer realm="meshplane dashboard"');
      sendJson(response, 401, { error: dashboardErrors.unauthorized() });
    };

  const page = (request: IncomingMessage, response: ServerResponse) => {
    if (tokenFromQuery(request, token)) {
      // Keep the token in a cookie and drop it from the address bar (and from history).
      response.writeHead(303, { location: DASHBOARD_PATH, 'set-cookie': tokenCookie(token!), ...HEADERS }).end();
      return;
    }
    if (!authorized(request, token)) {
      response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="meshplane dashboard"', ...HEADERS }).end(dashboardErrors.unauthorized() + '\n');
      return;
    }
    const index = assets.get('index.html');
    if (!index) return sendJson(response, 500, { error: dashboardErrors.missingAssets(ASSETS_DIR) });
    response.writeHead(200, { 'content-type': index.contentType, ...HEADERS }).end(index.body);
  };

  const events: RouteHandler = async (request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', ...HEADERS });
    const send = (snapshot: DashboardSnapshot) => response.write(`event: snapshot\ndata: ${JSON.stringify(printableValue(snapshot))}\n\n`);
    response.write('retry: 2000\n\n');
    send(await live.snapshot());
    const unsubscribe = live.subscribe(send);
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), options.heartbeatMs ?? 15_000);
    heartbeat.unref();
    request.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  };

  const commit: RouteHandler = async (_request, response, params) => {
    const statuses = await source.commit(params.sha);
    const full = statuses?.commit ?? params.sha;
    const plans = await commitPlans(source, full, source.environments().map((e) => e.name));
    const convergence = live.convergence.of(full);
    if (!statuses && plans.length === 0 && convergence.length === 0) {
      return sendJson(response, 404, { error: `no meshplane statuses, plan or proxy samples for commit ${params.sha}: the daemon has not reconciled it (or it is not on the tracked branch).` });
    }
    sendJson(response, 200, printableValue({ commit: full, statuses: statuses?.statuses ?? [], plans, convergence }));
  };

  const graph: RouteHandler = async (request, response, params) => {
    const format = new URL(request.url ?? '/', 'http://localhost').searchParams.get('format') ?? 'svg';
    if (!(GRAPH_FORMATS as readonly string[]).includes(format)) return sendJson(response, 400, { error: dashboardErrors.badFormat(format) });
    const known = source.environments().map((e) => e.name);
    if (!known.includes(params.env)) return sendJson(response, 404, { error: dashboardErrors.unknownEnvironment(params.env, known) });
    const drawn = await liveGraph(source, params.env);
    if (!drawn) return sendJson(response, 404, { error: dashboardErrors.notApplied(params.env) });
    const type = format === 'svg' ? 'image/svg+xml; charset=utf-8' : 'text/plain; charset=utf-8';
    response.writeHead(200, { 'content-type': type, ...HEADERS }).end(renderGraph(drawn, format as GraphFormat));
  };

  return new HttpRouter()
    .get(DASHBOARD_PATH, page)
    .get(`${DASHBOARD_PATH}/assets/:file`, guarded((_request, response, params) => {
      const asset = assets.get(params.file);
      if (!asset) return sendJson(response, 404, { error: `no dashboard file ${params.file}` });
      response.writeHead(200, { 'content-type': asset.contentType, ...HEADERS }).end(asset.body);
    }))
    .get(EVENTS_PATH, guarded(events))
    .get('/api/dashboard/snapshot', guarded(async (_request, response) => sendJson(response, 200, printableValue(await live.snapshot()))))
    .get('/api/dashboard/commits/:sha', guarded(commit))
    .get('/api/graph/:env', guarded(graph));
}
